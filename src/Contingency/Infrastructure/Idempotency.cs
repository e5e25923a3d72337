namespace Contingency.Infrastructure;

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Idempotency-Key handling for the writes that take one (booking, extension): the first successful
/// answer is recorded in the same transaction as the write it answers, and replayed for the same key
/// and request, across restarts; the same key with another request is refused. Keys are scoped by
/// caller (the token's subject) and route, so two callers' keys never collide. A record answers for
/// <c>Retention:IdempotencyHours</c> (24 by default); after that the key is a new request, and the
/// expiry job removes old records in small batches.
/// </summary>
public sealed class Idempotency(ContingencyDb db, Caller caller, TimeProvider clock, Features.Retention.RetentionPolicy policy)
{
    public const int MaxKeyLength = 200;

    /// <summary>
    /// The stored key: the caller's subject (as 128 bits of its SHA-256, so any subject fits the
    /// column), the route, and the client's key.
    /// </summary>
    public string? KeyOf(string scope, string? key) =>
        string.IsNullOrEmpty(key) ? null : $"{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(caller.Subject)))[..32]}:{scope}:{key}";

    /// <summary>SHA-256 of a request's meaning, given as its parts in a fixed order.</summary>
    public static string Hash(params object?[] parts) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))));

    /// <summary>True once this request's answer came from a record (a retry), not from doing the work again.</summary>
    public bool Replayed { get; private set; }

    /// <summary>The recorded answer for this key, null when there is none; refused when the key came with another request.</summary>
    public async Task<T?> ReplayAsync<T>(string? key, string hash, CancellationToken ct) where T : class
    {
        if (key is null) return null;
        var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, ct);
        if (record is null) return null;
        if (record.CreatedAt <= clock.GetUtcNow() - policy.IdempotencyWindow)
        {
            // Expired (Retention:IdempotencyHours): the key is a new request's. The old record goes now, so that
            // this request's can take its key; two retries racing here meet at the key's uniqueness as before.
            await db.IdempotencyRecords.Where(r => r.Key == key && r.CreatedAt == record.CreatedAt).ExecuteDeleteAsync(ct);
            return null;
        }
        if (record.RequestHash != hash)
            throw new UnprocessableException(ErrorCodes.IdempotencyKeyReused, "This Idempotency-Key was first used with a different request.");
        Replayed = true;
        return JsonSerializer.Deserialize<T>(record.Response, JsonSetup.Stored);
    }

    /// <summary>Adds the answer to the unit of work; it is saved with the write, or not at all.</summary>
    public void Record<T>(string? key, string hash, string resourceId, T response, DateTimeOffset now)
    {
        if (key is null) return;
        db.IdempotencyRecords.Add(new IdempotencyRecord(key, hash, resourceId, JsonSerializer.Serialize(response, JsonSetup.Stored), now));
    }
}
