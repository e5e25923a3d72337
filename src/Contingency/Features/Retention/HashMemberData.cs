namespace Contingency.Features.Retention;

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>Replaces the member references of programs closed more than Retention:MemberDataDays ago; answers how many.</summary>
public sealed record HashMemberData : ICommand<int>
{
    public const string Job = "hash-member-data";
}

/// <summary>
/// For each program closed longer ago than the policy keeps member data, in batches of
/// <c>Retention:BatchSize</c> (1,000) appointments, each its own transaction: every member reference becomes
/// <c>h:</c> + the HMAC-SHA256 of the reference under the program's secret salt (so one member's
/// appointments still share a value and distinct members can be counted), a cancellation's free-text
/// reason is cleared, and the appointment says when. The audit trail gets an entry per appointment
/// (<c>memberRef changed</c>, never a value) under this command's name. When none is left, the
/// transaction that finds none erases the program's salt, so the hashes cannot be tested against
/// guesses any more, and removes any stored booking answer of the program still quoting a reference. A crash loses the batch in flight only (it rolls back whole, never a
/// half-hashed row); the next run starts again from the appointments not yet marked. A second run at
/// the same time would lose at the row's <c>memberDataHashedAt</c> (a concurrency token), read again,
/// and skip it: nothing is ever hashed twice.
/// </summary>
public sealed partial class HashMemberDataHandler(ContingencyDb db, TimeProvider clock, RetentionPolicy policy,
    RetentionMetrics metrics, ILogger<HashMemberDataHandler> log) : ICommandHandler<HashMemberData, int>
{
    public const string Prefix = "h:";

    public async ValueTask<int> Handle(HashMemberData cmd, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        if (policy.MemberDataDays == 0)
        {
            await RetentionRunLog.RecordAsync(db, metrics, HashMemberData.Job, started, started, RetentionRun.Off, 0,
                "Retention:MemberDataDays is 0: member data is kept", log);
            return 0;
        }

        var cutoff = started - TimeSpan.FromDays(policy.MemberDataDays);
        var total = 0;
        var programs = new List<string>();
        try
        {
            var due = await db.Programs.AsNoTracking()
                .Where(p => p.ClosedAt != null && p.ClosedAt <= cutoff && p.MemberDataHashedAt == null)
                .OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct);
            foreach (var programId in due)
            {
                var hashed = 0;
                var after = "";
                while (await HashBatchAsync(programId, after, ct) is ({ } last, var count))
                {
                    (after, hashed, total) = (last, hashed + count, total + count);
                }
                programs.Add(programId);
                Hashed(log, programId, hashed);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await RetentionRunLog.RecordAsync(db, metrics, HashMemberData.Job, started, clock.GetUtcNow(), RetentionRun.Failed, total,
                $"{RetentionRunLog.Failure(e)} after {total} appointments; programs done: {Listed(programs)}", log);
            throw;
        }
        await RetentionRunLog.RecordAsync(db, metrics, HashMemberData.Job, started, clock.GetUtcNow(), RetentionRun.Completed, total,
            $"{total} appointments' member references hashed; programs: {Listed(programs)}", log);
        return total;
    }

    /// <summary>
    /// One batch of the program's appointments after <paramref name="after"/> (by id) in one transaction:
    /// answers the last one hashed and how many, or no id once none is left and the salt is erased.
    /// </summary>
    private async Task<(string? Last, int Count)> HashBatchAsync(string programId, string after, CancellationToken ct)
    {
        try
        {
            return await db.WriteAsync(async () =>
            {
                var program = await db.Programs.FindAsync([programId], ct) ?? throw new NotFoundException("program", programId);
                if (program.MemberDataHashedAt is not null) return ((string?)null, 0);
                var now = clock.GetUtcNow();
                // Every appointment up to `after` was hashed by a batch that committed, and a closed program gains none.
                var batch = await db.Appointments
                    .Where(a => a.ProgramId == programId && a.MemberDataHashedAt == null && string.Compare(a.Id, after) > 0)
                    .OrderBy(a => a.Id).Take(policy.BatchSize).ToListAsync(ct);
                if (batch.Count == 0)
                {
                    // A stored booking answer quotes the reference too. The expiry job removed it long ago,
                    // unless the idempotency window outlasts this one (settings an operator may choose).
                    await db.IdempotencyRecords
                        .Where(r => db.Appointments.Any(a => a.ProgramId == programId && a.Id == r.ResourceId))
                        .ExecuteDeleteAsync(ct);
                    program.MemberDataHashed(now);
                    await db.SaveChangesAsync(ct);
                    return (null, 0);
                }
                var salt = program.MemberSalt ?? throw new InvalidOperationException($"Program {programId} has no salt left to hash with.");
                foreach (var appointment in batch) appointment.ReplaceMemberData(Hash(salt, appointment.MemberRef), now);
                await db.SaveChangesAsync(ct);
                return (batch[^1].Id, batch.Count);
            }, ct);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The reference's one-way hash under the program's salt: the same member, the same value, in this program only.</summary>
    public static string Hash(byte[] salt, string memberRef) =>
        Prefix + Base64Url.EncodeToString(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(memberRef)));

    private static string Listed(List<string> programs) => programs.Count == 0 ? "none" : string.Join(", ", programs);

    [LoggerMessage(LogLevel.Information, "Member data of program {ProgramId} hashed: {Appointments} appointments")]
    private static partial void Hashed(ILogger logger, string programId, int appointments);
}
