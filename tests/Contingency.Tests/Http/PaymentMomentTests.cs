namespace Contingency.Tests.Http;

using System.Net;
using System.Text.Json;
using Contingency.Data.Calendar;
using Contingency.Data.Payments;
using Contingency.Tests.Support;

/// <summary>
/// One rule for a payment moment: on both DST change days, the trigger fires at the advance's
/// dueAt, and the run at that instant releases it.
/// </summary>
public sealed class PaymentMomentTests
{
    private static readonly ProgramZone LosAngeles = ProgramZone.Find("America/Los_Angeles");

    [Theory]
    // Spring forward 2027-03-14 02:00 -> 03:00: 02:30 does not exist and is reached at the gap's end.
    [InlineData("2027-03-14", "02:30", "2027-03-14T03:00:00-07:00")]
    [InlineData("2027-03-14", "02:00", "2027-03-14T03:00:00-07:00")]
    [InlineData("2027-03-14", "03:00", "2027-03-14T03:00:00-07:00")]
    [InlineData("2027-03-14", "01:59", "2027-03-14T01:59:00-08:00")]
    // Fall back 2027-11-07 02:00 -> 01:00: 01:30 happens twice and is its first occurrence.
    [InlineData("2027-11-07", "01:30", "2027-11-07T01:30:00-07:00")]
    [InlineData("2027-11-07", "02:00", "2027-11-07T02:00:00-08:00")]
    [InlineData("2027-11-07", "17:00", "2027-11-07T17:00:00-08:00")]
    public void A_payment_time_on_a_change_day_follows_one_rule(string date, string time, string expected)
    {
        var moments = new PaymentMoments(LosAngeles, DayOfWeek.Sunday, TimeOnly.Parse(time));
        var moment = moments.On(DateOnly.Parse(date));
        Assert.Equal(DateTimeOffset.Parse(expected), moment);
        Assert.Equal(expected, LosAngeles.ToLocal(moment).ToString("yyyy-MM-ddTHH:mm:sszzz"));
        // The next moment after the one before is this one: the trigger's arithmetic and dueAt's agree.
        Assert.Equal(moment, moments.Next(moments.On(DateOnly.Parse(date).AddDays(-7))));
        Assert.Equal(moment, moments.Next(moment.AddTicks(-1)));
    }

    [Theory]
    [InlineData("2027-03-15", "02:30", "2027-03-14T03:00:00-07:00")]   // payday Sunday 02:30, in the spring gap
    [InlineData("2027-11-08", "01:30", "2027-11-07T01:30:00-07:00")]   // payday Sunday 01:30, in the fall overlap
    public async Task The_trigger_fires_at_dueAt_and_the_run_releases_the_advance(string startsOn, string time, string dueAt)
    {
        await using var app = new ContingencyApp();
        var api = app.Api();
        var program = (await api.Post("/api/programs", new
        {
            name = "DST", timeZone = "America/Los_Angeles", startsOn, weeks = 2, sessionMinutes = 60, holidays = Array.Empty<string>(),
            rates = new { session = 150.00m, premium = 50.00m, signingBonus = 0.00m, currency = "USD" },
            payments = new { weekday = "Sunday", time },
        })).Expect(HttpStatusCode.Created);
        var provider = await api.Enroll();
        await api.Commit(program.Id(), Api.CommitmentBody(provider.Id(), startsOn: startsOn, weeks: 2));

        var first = FirstAdvance(await api.Get($"/api/providers/{provider.Id()}/payments?programId={program.Id()}"));
        Assert.Equal(dueAt, first.Str("dueAt"));

        // The day before: earlier moments have fired by now, and the program's trigger is armed for dueAt.
        var due = DateTimeOffset.Parse(dueAt);
        app.Clock.SetUtcNow(due.AddDays(-1));
        var armed = await Eventually.True(async () => Job(await api.Get("/api/jobs"), program.Id()) is { } job && job.Str("nextFireAt") == dueAt);
        Assert.True(armed, $"the trigger is not armed at {dueAt}: {(await api.Get("/api/jobs")).Raw}");
        Assert.Equal("scheduled", FirstAdvance(await api.Get($"/api/providers/{provider.Id()}/payments?programId={program.Id()}")).Str("status"));

        app.Clock.SetUtcNow(due);
        Assert.True(await Eventually.True(async () => await ReleasedAt(app.DatabasePath, first.Id()) is not null), "the advance was not released at dueAt");
        Assert.Equal(due.UtcTicks, (await ReleasedAt(app.DatabasePath, first.Id()))?.UtcTicks);
    }

    private static JsonElement FirstAdvance(Response payments) =>
        payments.Expect(HttpStatusCode.OK).EnumerateArray().Where(p => p.Str("kind") == "advance").MinBy(p => p.Str("periodStart"));

    private static JsonElement? Job(Response jobs, string programId) =>
        jobs.Expect(HttpStatusCode.OK).EnumerateArray().Where(j => j.Str("job").Contains(programId)).Select(j => (JsonElement?)j).FirstOrDefault();

    private static async Task<DateTimeOffset?> ReleasedAt(string path, string paymentId)
    {
        await using var connection = TestDatabase.Open(path);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT \"ReleasedAt\" FROM \"Payments\" WHERE \"Id\" = @id AND \"Status\" = 'released'";
        query.With("id", paymentId);
        return TestDatabase.Instant(await query.ExecuteScalarAsync());
    }
}
