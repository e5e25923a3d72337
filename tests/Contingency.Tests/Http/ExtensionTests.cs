namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Tests.Support;

/// <summary>Extending a program: safe to retry, capped at 104 weeks, and paying at once what became due.</summary>
public sealed class ExtensionTests
{
    [Fact]
    public async Task A_retry_with_the_same_key_extends_once()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, _, commitmentId) = await api.Scenario();

        var first = (await api.Post($"/api/programs/{programId}/extend", new { weeks = 2 }, idempotencyKey: "strike-goes-on")).Expect(HttpStatusCode.OK);
        var retry = (await api.Post($"/api/programs/{programId}/extend", new { weeks = 2 }, idempotencyKey: "strike-goes-on")).Expect(HttpStatusCode.OK);
        Assert.Equal("2027-05-09", first.Str("endsOn"));
        Assert.Equal(first.ToString(), retry.ToString());
        Assert.Equal(10, (await api.Get($"/api/programs/{programId}")).Expect(HttpStatusCode.OK).Int("weeks"));
        Assert.Equal("2027-05-09", (await api.Get($"/api/commitments/{commitmentId}")).Expect(HttpStatusCode.OK).Str("endsOn"));

        (await api.Post($"/api/programs/{programId}/extend", new { weeks = 3 }, idempotencyKey: "strike-goes-on"))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        // Without a key, a second request is a second extension.
        Assert.Equal("2027-05-16", (await api.Post($"/api/programs/{programId}/extend", new { weeks = 1 })).Expect(HttpStatusCode.OK).Str("endsOn"));
    }

    [Fact]
    public async Task A_program_runs_at_most_104_weeks_in_all()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var program = await api.CreateProgram(Api.ProgramBody(weeks: 100));
        (await api.Post($"/api/programs/{program.Id()}/extend", new { weeks = 5 })).ExpectProblem(HttpStatusCode.UnprocessableEntity, "too-long");
        Assert.Equal(104, (await api.Post($"/api/programs/{program.Id()}/extend", new { weeks = 4 })).Expect(HttpStatusCode.OK).Int("weeks"));
        (await api.Post($"/api/programs/{program.Id()}/extend", new { weeks = 1 })).ExpectProblem(HttpStatusCode.UnprocessableEntity, "too-long");
        Assert.Equal(104, (await api.Get($"/api/programs/{program.Id()}")).Expect(HttpStatusCode.OK).Int("weeks"));
    }

    [Fact]
    public async Task A_late_extension_pays_the_new_week_at_once()
    {
        await using var app = new ContingencyApp();
        var api = app.Api();
        var (programId, providerId, _) = await api.Scenario();
        // Saturday after the last payment moment of the 8 weeks: week 9's moment (Friday 04-23 17:00) has passed.
        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-04-24T10:00:00-07:00"));
        Assert.True(await Eventually.True(async () => await Released(app.DatabasePath) == 9), "the missed moment did not fire on its own");

        (await api.Post($"/api/programs/{programId}/extend", new { weeks = 1 })).Expect(HttpStatusCode.OK);

        Assert.True(await Eventually.True(async () => await Released(app.DatabasePath) == 10), "the new week's advance waited for the next moment");
        var week9 = (await api.Get($"/api/providers/{providerId}/payments?programId={programId}")).Expect(HttpStatusCode.OK)
            .EnumerateArray().Single(p => p.Str("kind") == "advance" && p.Str("periodStart") == "2027-04-26");
        Assert.Equal("released", week9.Str("status"));
    }

    private static async Task<long> Released(string path)
    {
        await using var connection = TestDatabase.Open(path);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT COUNT(*) FROM \"Payments\" WHERE \"Status\" = 'released'";
        return (long)(await query.ExecuteScalarAsync())!;
    }
}
