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
/// its timeout): saved again, and only when it keeps losing 409 concurrent-update, nothing written, never a 500.
/// </summary>
public sealed class TransientConflictTests
{
    /// <summary>Fails the next <see cref="Times"/> transactions' commits as the database would end them.</summary>
    private sealed class EndedByTheDatabase : DbTransactionInterceptor
    {
        public int Times { get; set; }

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            // Only the reschedule's own transaction: the scheduler's jobs (a retention run) write beside it.
            if (Times == 0 || eventData.Context?.ChangeTracker.Entries<Contingency.Data.Entities.Appointment>().Any() != true)
                return ValueTask.FromResult(result);
            Times--;
            throw TestDatabase.IsPostgres
                ? new PostgresException("could not serialize access due to concurrent update", "ERROR", "ERROR", "40001")
                : new SqliteException("database is locked", 5);
        }
    }

    [Fact]
    public async Task A_reschedule_whose_transaction_the_database_ends_once_is_saved_again_and_goes_through()
    {
        await using var app = new ContingencyApp();
        var fault = new EndedByTheDatabase();
        app.Interceptors.Add(fault);
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        var booked = await api.Book(Api.BookingBody(providerId, "2027-03-03T09:00:00-08:00"));

        fault.Times = 1;
        var moved = (await api.Post($"/api/appointments/{booked.Id()}/reschedule", new { providerId, start = "2027-03-04T09:00:00-08:00" }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal(0, fault.Times);
        Assert.Equal("2027-03-04T09:00:00-08:00", moved.Str("start"));
        Assert.Equal("cancelled", (await api.Get($"/api/appointments/{booked.Id()}")).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal(2, (await api.Get("/api/appointments?providerId=" + providerId)).Expect(HttpStatusCode.OK).Int("total"));
    }

    [Fact]
    public async Task A_reschedule_whose_transaction_the_database_keeps_ending_is_409_and_changes_nothing()
    {
        await using var app = new ContingencyApp();
        var fault = new EndedByTheDatabase();
        app.Interceptors.Add(fault);
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        var booked = await api.Book(Api.BookingBody(providerId, "2027-03-03T09:00:00-08:00"));

        fault.Times = 3;
        (await api.Post($"/api/appointments/{booked.Id()}/reschedule", new { providerId, start = "2027-03-04T09:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.Conflict, "concurrent-update");
        Assert.Equal(0, fault.Times);

        var after = (await api.Get($"/api/appointments/{booked.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("booked", "2027-03-03T09:00:00-08:00"), (after.Str("status"), after.Str("start")));
        Assert.Equal(1, (await api.Get("/api/appointments?providerId=" + providerId)).Expect(HttpStatusCode.OK).Int("total"));
        // And the same request, sent again, goes through.
        (await api.Post($"/api/appointments/{booked.Id()}/reschedule", new { providerId, start = "2027-03-04T09:00:00-08:00" }))
            .Expect(HttpStatusCode.Created);
    }
}
