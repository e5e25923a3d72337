namespace Contingency.Tests.Http;

using System.Data.Common;
using System.Net;
using Contingency.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

/// <summary>
/// A transaction the database ends in a race (a deadlock victim, a serialization failure, a file busy past
/// its timeout) in a use case that does not retry it: 409 concurrent-update, nothing written, never a 500.
/// </summary>
public sealed class TransientConflictTests
{
    /// <summary>Armed, fails the next transaction's commit as the database would end it.</summary>
    private sealed class EndedByTheDatabase : DbTransactionInterceptor
    {
        public bool Armed { get; set; }

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (!Armed) return ValueTask.FromResult(result);
            Armed = false;
            throw TestDatabase.IsPostgres
                ? new PostgresException("could not serialize access due to concurrent update", "ERROR", "ERROR", "40001")
                : new SqliteException("database is locked", 5);
        }
    }

    [Fact]
    public async Task A_reschedule_whose_transaction_the_database_ends_is_409_and_changes_nothing()
    {
        await using var app = new ContingencyApp();
        var fault = new EndedByTheDatabase();
        app.Interceptors.Add(fault);
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        var booked = await api.Book(Api.BookingBody(providerId, "2027-03-03T09:00:00-08:00"));

        fault.Armed = true;
        (await api.Post($"/api/appointments/{booked.Id()}/reschedule", new { providerId, start = "2027-03-04T09:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.Conflict, "concurrent-update");

        var after = (await api.Get($"/api/appointments/{booked.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("booked", "2027-03-03T09:00:00-08:00"), (after.Str("status"), after.Str("start")));
        Assert.Equal(1, (await api.Get("/api/appointments?providerId=" + providerId)).Expect(HttpStatusCode.OK).Int("total"));
        // And the same request, sent again, goes through.
        (await api.Post($"/api/appointments/{booked.Id()}/reschedule", new { providerId, start = "2027-03-04T09:00:00-08:00" }))
            .Expect(HttpStatusCode.Created);
    }
}
