namespace Contingency.Data.Entities;

/// <summary>
/// The first successful response to a request sent with an Idempotency-Key, kept in the database
/// (written in the same transaction as the booking) so a retry after a restart still replays it.
/// </summary>
public sealed class IdempotencyRecord
{
    private IdempotencyRecord() { }

    public IdempotencyRecord(string key, string requestHash, string resourceId, string response, DateTimeOffset now)
    {
        Key = key;
        RequestHash = requestHash;
        ResourceId = resourceId;
        Response = response;
        CreatedAt = now;
    }

    public string Key { get; private set; } = "";
    /// <summary>SHA-256 of the request's meaning, so the same key with another body is caught.</summary>
    public string RequestHash { get; private set; } = "";
    public string ResourceId { get; private set; } = "";
    /// <summary>The first response body, replayed as it was even if the resource changed since.</summary>
    public string Response { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}
