namespace Contingency.Tests.Http;

using System.Net;
using System.Text.Json;
using Contingency.Features.Operations;
using Contingency.Tests.Support;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// The demo data as a newcomer gets it: <c>seed-demo</c> run as the executable over a fresh database,
/// then read back through the service's own API; a second run refuses the database it filled.
/// </summary>
public sealed class SeedDemoTests
{
    private static Task<(int Exit, string Out, string Error)> Seed(string database) =>
        ServiceProcess.RunAsync(Path.GetDirectoryName(database)!, new Dictionary<string, string>
        {
            ["ConnectionStrings__Contingency"] = TestDatabase.ConnectionString(database),
            ["Database__Provider"] = TestDatabase.Provider,
            ["Database__MigrateOnStart"] = "true",
            ["Auth__SigningKey"] = "seed-demo-tests-signing-key-0123456789",
        }, SeedDemo.Name);

    private static string NewDatabase()
    {
        var dir = Path.Combine(Path.GetTempPath(), "contingency-tests", "seed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "contingency.db");
    }

    private static long Count(string database, string table)
    {
        using var connection = TestDatabase.Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private static readonly string[] Tables = ["Programs", "Providers", "Commitments", "Appointments", "Payments", "PaymentBatches", "RegionDemands", "AuditEntries"];

    [Fact]
    public async Task Seed_demo_fills_a_fresh_database_that_the_api_answers_from_and_a_second_run_refuses_it_and_changes_nothing()
    {
        var database = NewDatabase();
        try
        {
            var before = DateTimeOffset.UtcNow;
            var (exit, output, error) = await Seed(database);
            var after = DateTimeOffset.UtcNow;
            Assert.True(exit == 0, error);
            Assert.Contains("300 providers", output);
            Assert.Equal("", error);

            // The service, started over the same database on the real date, answers a newcomer's questions.
            await using (var app = ContingencyApp.Over(database, new FakeTimeProvider(after)))
            {
                app.SchedulerRuns = false;
                var api = app.Api();
                var program = Assert.Single((await api.Get("/api/programs")).Expect(HttpStatusCode.OK).EnumerateArray());
                var id = program.Id();
                Assert.Equal(("Northern California mental health contingency", "America/Los_Angeles", 8),
                    (program.Str("name"), program.Str("timeZone"), program.Int("weeks")));
                var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
                var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(before, zone).DateTime);
                var startsOn = SeedDemo.NextMonday(today);
                Assert.Equal(startsOn.ToString("yyyy-MM-dd"), program.Str("startsOn"));
                Assert.Equal(DayOfWeek.Monday, startsOn.DayOfWeek);

                Assert.Equal(300, (await api.Get("/api/providers?pageSize=1")).Expect(HttpStatusCode.OK).Int("total"));
                Assert.True((await api.Get("/api/providers?language=es&pageSize=1")).Expect(HttpStatusCode.OK).Int("total") > 30);
                Assert.True((await api.Get("/api/providers?licenseType=LCSW&pageSize=1")).Expect(HttpStatusCode.OK).Int("total") > 30);
                Assert.Equal(300, (await api.Get($"/api/programs/{id}/commitments?pageSize=1")).Expect(HttpStatusCode.OK).Int("total"));
                Assert.Equal(1, (await api.Get($"/api/programs/{id}/commitments?status=withdrawn&pageSize=1")).Expect(HttpStatusCode.OK).Int("total"));

                Assert.True((await api.Get($"/api/appointments?programId={id}&status=booked&pageSize=1")).Expect(HttpStatusCode.OK).Int("total") > 1000);
                Assert.NotEmpty((await api.Get($"/api/programs/{id}/displaced")).Expect(HttpStatusCode.OK).EnumerateArray());
                var compliance = (await api.Get($"/api/programs/{id}/compliance")).Expect(HttpStatusCode.OK);
                Assert.NotEmpty(compliance.GetProperty("late").EnumerateArray());
                Assert.True(compliance.GetProperty("rate").GetDouble() is > 0.5 and < 1);

                var capacity = (await api.Get($"/api/programs/{id}/capacity?by=week")).Expect(HttpStatusCode.OK);
                Assert.True(capacity.GetProperty("totals").Int("demand") > 0);
                Assert.True(capacity.GetProperty("totals").Int("gap") > 0);
                var regions = capacity.GetProperty("rows").EnumerateArray().Select(r => r.Str("region")).ToHashSet();
                Assert.Superset(new HashSet<string> { "Sacramento", "Santa Rosa", "Oakland", "San Francisco", "Fresno" }, regions);

                // The first week's advances fall due at the Friday 17:00 before it: released by the seed
                // once that moment has passed, scheduled for that Friday until then.
                var firstDue = new DateTimeOffset(startsOn.AddDays(-3).ToDateTime(new TimeOnly(17, 0)),
                    zone.GetUtcOffset(startsOn.AddDays(-3).ToDateTime(new TimeOnly(17, 0))));
                var batches = (await api.Get($"/api/programs/{id}/payment-batches")).Expect(HttpStatusCode.OK);
                if (firstDue <= before)
                {
                    var batch = Assert.Single(batches.GetProperty("items").EnumerateArray());
                    Assert.True(batch.Int("released") > 300);
                }
                else if (firstDue > after)
                {
                    Assert.Equal(0, batches.Int("total"));
                    Assert.True((await api.Get($"/api/programs/{id}/payments?status=scheduled&dueBefore={startsOn:yyyy-MM-dd}&pageSize=1"))
                        .Expect(HttpStatusCode.OK).Int("total") > 300);
                }
            }

            var counts = Tables.Select(t => Count(database, t)).ToList();
            var again = await Seed(database);
            Assert.Equal(2, again.Exit);
            var line = Assert.Single(again.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("contingency: the database already holds a program", line);
            Assert.Equal(counts, Tables.Select(t => Count(database, t)).ToList());
        }
        finally
        {
            TestDatabase.Drop(database);
        }
    }

    [Fact]
    public void Next_monday_is_strictly_after_today()
    {
        Assert.Equal(new DateOnly(2026, 11, 30), SeedDemo.NextMonday(new DateOnly(2026, 11, 29)));
        Assert.Equal(new DateOnly(2026, 12, 7), SeedDemo.NextMonday(new DateOnly(2026, 11, 30)));
        Assert.Equal(new DateOnly(2026, 12, 7), SeedDemo.NextMonday(new DateOnly(2026, 12, 5)));
    }

    [Fact]
    public void The_demo_holidays_are_the_observed_ones_inside_the_program()
    {
        Assert.Equal([new DateOnly(2026, 12, 25), new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 18)],
            SeedDemo.Holidays(new DateOnly(2026, 11, 30), new DateOnly(2027, 1, 24)));
        // Independence Day 2027 is a Sunday: observed on the Monday.
        Assert.Contains(new DateOnly(2027, 7, 5), SeedDemo.Holidays(new DateOnly(2027, 7, 1), new DateOnly(2027, 7, 31)));
    }
}
