namespace Contingency.Tests.Http;

using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// Each list is served from its index: the page query the service actually sends is explained by
/// the database, which must walk the named index in order and never sort the rows itself (on
/// PostgreSQL with sorting priced out, so a plan that could only sort shows its Sort node).
/// One shape sorts on purpose: payments by status and due date are found through the payment run's
/// own index (ProgramId, Status, DueAt), which reaches exactly the rows due, and only those are sorted.
/// </summary>
public sealed class ListPlanTests : IAsyncLifetime
{
    private readonly CommandLog log = new();
    private readonly ContingencyApp app;
    private readonly Api api;
    private string programId = "", providerId = "";

    public ListPlanTests()
    {
        app = new ContingencyApp { SchedulerRuns = false };
        app.Interceptors.Add(log);
        api = app.Api();
    }

    public async Task InitializeAsync()
    {
        (programId, providerId, _) = await api.Scenario();
        await api.Book(Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: "M-plan"));
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private sealed class CommandLog : DbCommandInterceptor
    {
        public ConcurrentQueue<(string Sql, (string Name, object Value)[] Parameters)> Readers { get; } = new();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Readers.Enqueue((command.CommandText, command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value!)).ToArray()));
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    [Theory]
    [InlineData("/api/programs/{program}/commitments", "IX_Commitments_ProgramId_Id", false)]
    [InlineData("/api/programs/{program}/commitments?status=active&region=Santa%20Rosa", "IX_Commitments_ProgramId_Id", false)]
    [InlineData("/api/appointments?programId={program}", "IX_Appointments_ProgramId_Id", false)]
    [InlineData("/api/appointments?programId={program}&status=booked&from=2027-03-01&to=2027-03-31", "IX_Appointments_ProgramId_Id", false)]
    [InlineData("/api/appointments?providerId={provider}", "IX_Appointments_ProviderId_Id", false)]
    [InlineData("/api/appointments?memberRef=M-plan", "IX_Appointments_MemberRef_Id", false)]
    [InlineData("/api/programs/{program}/payment-batches", "IX_PaymentBatches_ProgramId_Id", false)]
    [InlineData("/api/programs/{program}/payments", "IX_Payments_ProgramId_Id", false)]
    [InlineData("/api/programs/{program}/payments?status=released", "IX_Payments_ProgramId_Id", false)]
    // Either index serves this shape: PostgreSQL, told sorting is dear, walks (ProgramId, Id) and filters.
    [InlineData("/api/programs/{program}/payments?status=scheduled&dueBefore=2027-03-13", "IX_Payments_ProgramId_Status_DueAt|IX_Payments_ProgramId_Id", true)]
    public async Task The_page_query_walks_its_index_in_order(string route, string index, bool sortsFoundRows)
    {
        log.Readers.Clear();
        (await api.Get(route.Replace("{program}", programId).Replace("{provider}", providerId))).Expect(HttpStatusCode.OK);
        var page = log.Readers.Single(c => c.Sql.Contains("ORDER BY", StringComparison.Ordinal));

        var plan = Explain(page.Sql, page.Parameters);
        Assert.True(plan.Any(line => index.Split('|').Any(i => line.Contains(i, StringComparison.Ordinal))), $"{route} does not use {index}:\n{string.Join("\n", plan)}");
        if (sortsFoundRows) return;
        Assert.False(plan.Any(line => line.Contains("TEMP B-TREE", StringComparison.Ordinal) || line.TrimStart(' ', '-', '>').StartsWith("Sort", StringComparison.Ordinal)),
            $"{route} sorts its rows:\n{string.Join("\n", plan)}");
    }

    private List<string> Explain(string sql, (string Name, object Value)[] parameters)
    {
        using var connection = app.OpenDatabase();
        if (TestDatabase.IsPostgres)
            using (var settings = connection.CreateCommand())
            {
                settings.CommandText = "SET enable_sort = off; SET enable_seqscan = off";
                settings.ExecuteNonQuery();
            }
        using var command = connection.CreateCommand();
        command.CommandText = (TestDatabase.IsPostgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        var lines = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) lines.Add(Convert.ToString(reader.GetValue(reader.FieldCount - 1), System.Globalization.CultureInfo.InvariantCulture)!);
        return lines;
    }
}
