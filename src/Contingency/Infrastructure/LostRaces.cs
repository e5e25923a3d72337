namespace Contingency.Infrastructure;

using Contingency.Data;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// How a write that loses a race is answered: judged again against the winner's result, as if it had
/// come second. It runs again from its reads; the entities' rules then refuse it with the code the
/// new state calls for (invalid-transition, slot-taken, ...) or let it through when the winner's
/// change does not stand in its way (a booking that slipped in before a withdrawal is displaced too).
/// The same for a transaction the database itself ended because it lost to another (a deadlock
/// victim, a serialization failure). Only a write that keeps losing answers 409 concurrent-update.
/// </summary>
public static class LostRaces
{
    private const int Attempts = 3;

    /// <summary>
    /// A race lost in the service (a row changed since it was read) or in the database (chosen as a
    /// deadlock victim, a serialization failure, a lock not granted): nothing was written either way.
    /// </summary>
    public static bool IsLostRace(Exception exception) =>
        exception is DbUpdateConcurrencyException || exception.IsTransientConflict();

    /// <summary>Runs <paramref name="write"/> in a transaction (on SQLite it takes the write lock at once), again on a lost race.</summary>
    public static async Task<T> WriteAsync<T>(this ContingencyDb db, Func<Task<T>> write, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var result = await write();
                await tx.CommitAsync(ct);
                return result;
            }
            catch (Exception e) when (IsLostRace(e) && attempt < Attempts)
            {
                db.ChangeTracker.Clear();
            }
            catch (Exception e) when (IsLostRace(e))
            {
                db.ChangeTracker.Clear();
                throw new ConflictException(ErrorCodes.ConcurrentUpdate,
                    "Other requests kept changing the same records; read them again and retry.");
            }
        }
    }
}
