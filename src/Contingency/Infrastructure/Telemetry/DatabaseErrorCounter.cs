namespace Contingency.Infrastructure.Telemetry;

using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// Counts every failed database command and connection of EF Core by kind
/// (<see cref="ContingencyMetrics.DatabaseErrors"/>). Some are the service working as designed (two
/// bookings of one slot: a unique violation; a race lost and retried: a transient conflict); a rise
/// in timeouts or connection failures is the database in trouble. The scheduler's own store errors
/// are Quartz's (its job-store metrics and log lines). Counted once the service has started: while it
/// migrates, EF Core probes on purpose for what is not there yet (the database file, the history
/// table), and a real failure then stops the start anyway.
/// </summary>
public sealed class DatabaseErrorCounter(ContingencyMetrics metrics, IHostApplicationLifetime lifetime) : DbCommandInterceptor, IDbConnectionInterceptor
{
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Count(KindOf(eventData.Exception));

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Count(KindOf(eventData.Exception));
        return Task.CompletedTask;
    }

    public void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => Count(Connection);

    public Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Count(Connection);
        return Task.CompletedTask;
    }

    private void Count(string kind)
    {
        if (lifetime.ApplicationStarted.IsCancellationRequested) metrics.DatabaseError(kind);
    }

    private const string Connection = "connection";

    public static string KindOf(Exception exception)
    {
        if (exception is OperationCanceledException) return "cancelled";
        if (exception is DbException db && db.IsUniqueViolation()) return "unique_violation";
        if (exception.IsTransientConflict()) return "transient_conflict";
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is TimeoutException || Database.Providers.Any(p => p.IsTimeout(e))) return "timeout";
        // The connection broke under the command (the server went away, the network dropped it).
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is System.Net.Sockets.SocketException or IOException) return Connection;
        return "other";
    }
}
