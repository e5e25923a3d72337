namespace Contingency.Tests.Http;

using System.Net;
using System.Text.Json;
using Contingency.Tests.Support;

/// <summary>The displaced worklist and rebooking. The clock stands at 2027-02-01 (ContingencyApp.DefaultNow).</summary>
public sealed class DisplacedApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    private sealed record World(string ProgramId, string Leaving, string Video, string FollowUp, string Intake, string Kept);

    /// <summary>
    /// Santa Rosa: a provider committed from 2027-03-08 who withdraws from 2027-03-15 with a late follow-up (due
    /// 2027-03-12) and an intake after that day, one video provider with two slots a day from 2027-03-01, one
    /// in-person only; Fresno: video.
    /// </summary>
    private async Task<World> Displacement()
    {
        var program = await api.CreateProgram();
        var leaving = await api.Enroll(Api.ProviderBody(region: "Santa Rosa"));
        var video = await api.Enroll(Api.ProviderBody(region: "Santa Rosa", modalities: ["video"]));
        var inPerson = await api.Enroll(Api.ProviderBody(region: "Santa Rosa", modalities: ["in-person"]));
        var fresno = await api.Enroll(Api.ProviderBody(region: "Fresno", modalities: ["video"]));
        var leavingCommitment = await api.Commit(program.Id(), Api.CommitmentBody(leaving.Id(), startsOn: "2027-03-08", weeks: 7));
        await api.Commit(program.Id(), Api.CommitmentBody(video.Id(), slotsPerDay: 2));
        await api.Commit(program.Id(), Api.CommitmentBody(inPerson.Id()));
        await api.Commit(program.Id(), Api.CommitmentBody(fresno.Id(), firstSlotAt: "08:00"));

        var kept = await api.Book(Api.BookingBody(leaving.Id(), "2027-03-10T09:00:00-08:00", memberRef: "M-kept"));
        var intake = await api.Book(Api.BookingBody(leaving.Id(), "2027-03-22T09:00:00-07:00", memberRef: "M-intake"));
        var followUp = await api.Book(Api.BookingBody(leaving.Id(), "2027-03-16T09:00:00-07:00", memberRef: "M-follow-up",
            kind: "follow-up", previousVisitOn: "2027-02-26"));
        var withdrawn = (await api.Post($"/api/commitments/{leavingCommitment.Id()}/withdraw", new { effectiveOn = "2027-03-15", reason = "strike ended for them" }))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(2, withdrawn.GetProperty("displacedAppointments").GetArrayLength());
        return new World(program.Id(), leaving.Id(), video.Id(), followUp.Id(), intake.Id(), kept.Id());
    }

    private static List<(string ProviderId, string Start, bool? WithinDueBy)> Suggestions(JsonElement item) =>
        item.GetProperty("suggestions").EnumerateArray()
            .Select(s => (s.Str("providerId"), s.Str("start"),
                s.GetProperty("withinDueBy").ValueKind == JsonValueKind.Null ? (bool?)null : s.GetProperty("withinDueBy").GetBoolean()))
            .ToList();

    [Fact]
    public async Task The_worklist_suggests_distinct_slots_in_region_and_modality_most_urgent_first()
    {
        var world = await Displacement();

        var list = (await api.Get($"/api/programs/{world.ProgramId}/displaced")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();

        // The follow-up, due 2027-03-12, before the intake of 2027-03-22; the appointment kept before the withdrawal is not listed.
        Assert.Equal([world.FollowUp, world.Intake], list.Select(i => i.Str("appointmentId")));
        var followUp = list[0];
        Assert.Equal(("follow-up", "M-follow-up", "2027-03-12", "Santa Rosa", world.Leaving, "2027-03-16T09:00:00-07:00"),
            (followUp.Str("kind"), followUp.Str("memberRef"), followUp.Str("followUpDueBy"), followUp.Str("region"), followUp.Str("providerId"),
                followUp.Str("start")));
        // Only the video provider of Santa Rosa offers video there; the earliest three go to the most urgent.
        Assert.Equal(
            [(world.Video, "2027-03-01T09:00:00-08:00", true), (world.Video, "2027-03-01T10:00:00-08:00", true), (world.Video, "2027-03-02T09:00:00-08:00", true)],
            Suggestions(followUp));
        Assert.Equal(
            [(world.Video, "2027-03-02T10:00:00-08:00", null), (world.Video, "2027-03-03T09:00:00-08:00", null), (world.Video, "2027-03-03T10:00:00-08:00", null)],
            Suggestions(list[1]));
    }

    [Fact]
    public async Task A_deactivated_provider_s_days_before_its_date_are_suggested_and_rebook_and_none_after()
    {
        var world = await Displacement();
        // Deactivated from 2027-03-03: its commitment keeps 2027-03-01 and 03-02, committed and paid for.
        (await api.Post($"/api/providers/{world.Video}/deactivate", new { effectiveOn = "2027-03-03", reason = "left the program" }))
            .Expect(HttpStatusCode.OK);

        var list = (await api.Get($"/api/programs/{world.ProgramId}/displaced")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        Assert.Equal(
            [(world.Video, "2027-03-01T09:00:00-08:00", true), (world.Video, "2027-03-01T10:00:00-08:00", true), (world.Video, "2027-03-02T09:00:00-08:00", true)],
            Suggestions(list[0]));
        // The intake: the video provider's last slot before the date, then the leaving provider's days before its own withdrawal.
        Assert.Equal(
            [(world.Video, "2027-03-02T10:00:00-08:00", null), (world.Leaving, "2027-03-08T09:00:00-08:00", null), (world.Leaving, "2027-03-08T10:00:00-08:00", null)],
            Suggestions(list[1]));
        var (providerId, start, _) = Suggestions(list[0])[0];
        (await api.Post($"/api/appointments/{list[0].Str("appointmentId")}/rebook", new { providerId, start })).Expect(HttpStatusCode.Created);
        (await api.Post($"/api/appointments/{world.Intake}/rebook", new { providerId = world.Video, start = "2027-03-03T09:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "not-a-committed-slot");
    }

    [Fact]
    public async Task Members_of_one_region_asking_different_modalities_share_no_suggestion_and_a_follow_up_s_come_after_its_previous_visit()
    {
        var program = await api.CreateProgram();
        var leaving = await api.Enroll(Api.ProviderBody(region: "Fresno", modalities: ["video", "in-person"]));
        var staying = await api.Enroll(Api.ProviderBody(region: "Fresno", modalities: ["video", "in-person"]));
        var leavingCommitment = await api.Commit(program.Id(), Api.CommitmentBody(leaving.Id()));
        await api.Commit(program.Id(), Api.CommitmentBody(staying.Id(), slotsPerDay: 2));
        // Any modality, video, in-person, and a follow-up whose previous visit was 2027-03-02 (due 2027-03-16, like the
        // first; earlier in the day): booked most urgent last.
        var booked = new[]
        {
            await api.Book(Api.BookingBody(leaving.Id(), "2027-03-16T09:00:00-07:00", memberRef: "M-any", modality: null)),
            await api.Book(Api.BookingBody(leaving.Id(), "2027-03-17T09:00:00-07:00", memberRef: "M-video", modality: "video")),
            await api.Book(Api.BookingBody(leaving.Id(), "2027-03-18T09:00:00-07:00", memberRef: "M-in-person", modality: "in-person")),
            await api.Book(Api.BookingBody(leaving.Id(), "2027-03-15T09:00:00-07:00", memberRef: "M-follow-up", kind: "follow-up",
                previousVisitOn: "2027-03-02")),
        };
        (await api.Post($"/api/commitments/{leavingCommitment.Id()}/withdraw", new { effectiveOn = "2027-03-15", reason = "left" })).Expect(HttpStatusCode.OK);

        var list = (await api.Get($"/api/programs/{program.Id()}/displaced")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        Assert.Equal(booked.Select(b => b.Id()).OrderBy(id => id), list.Select(i => i.Str("appointmentId")).OrderBy(id => id));
        var all = list.SelectMany(Suggestions).ToList();
        Assert.Equal(12, all.Count);
        Assert.Equal(all.Count, all.Select(s => (s.ProviderId, s.Start)).Distinct().Count());
        // The follow-up is the most urgent, and gets the earliest slots after its previous visit.
        var followUp = list.Single(i => i.Str("memberRef") == "M-follow-up");
        Assert.Equal(list[0].Str("appointmentId"), followUp.Str("appointmentId"));
        // Both providers have slots on 2027-03-03 (the leaving one until its withdrawal's date).
        Assert.Equal(["2027-03-03T09:00:00-08:00", "2027-03-03T09:00:00-08:00", "2027-03-03T10:00:00-08:00"], Suggestions(followUp).Select(s => s.Start));
        // The others take the earliest left, from 2027-03-01 on; every suggestion rebooks.
        Assert.Equal("2027-03-01T09:00:00-08:00", Suggestions(list[1])[0].Start);
        foreach (var item in list)
        {
            var (providerId, start, _) = Suggestions(item)[^1];
            (await api.Post($"/api/appointments/{item.Str("appointmentId")}/rebook", new { providerId, start })).Expect(HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task Rebooking_links_both_ways_and_leaves_the_worklist()
    {
        var world = await Displacement();
        var rebooked = (await api.Post($"/api/appointments/{world.FollowUp}/rebook", new { providerId = world.Video, start = "2027-03-01T09:00:00-08:00" }))
            .Expect(HttpStatusCode.Created);

        Assert.Equal((world.FollowUp, "booked", "follow-up", "M-follow-up", "2027-02-26", "2027-03-12", true, "video"),
            (rebooked.Str("rebookedFrom"), rebooked.Str("status"), rebooked.Str("kind"), rebooked.Str("memberRef"), rebooked.Str("previousVisitOn"),
                rebooked.Str("followUpDueBy"), rebooked.GetProperty("timelyAccessMet").GetBoolean(), rebooked.Str("modality")));
        Assert.Equal(JsonValueKind.Null, rebooked.GetProperty("rebookedAs").ValueKind);
        var displaced = (await api.Get($"/api/appointments/{world.FollowUp}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("displaced", rebooked.Id()), (displaced.Str("status"), displaced.Str("rebookedAs")));

        var list = (await api.Get($"/api/programs/{world.ProgramId}/displaced")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        var intake = Assert.Single(list);
        Assert.Equal(world.Intake, intake.Str("appointmentId"));
        // The rebooked slot is held now; the intake gets the earliest of what is left.
        Assert.Equal(["2027-03-01T10:00:00-08:00", "2027-03-02T09:00:00-08:00", "2027-03-02T10:00:00-08:00"],
            Suggestions(intake).Select(s => s.Start));

        (await api.Post($"/api/appointments/{world.FollowUp}/rebook", new { providerId = world.Video, start = "2027-03-03T09:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.Conflict, "already-rebooked");
    }

    [Fact]
    public async Task Rebooking_what_is_not_displaced_or_not_free_is_refused()
    {
        var world = await Displacement();
        (await api.Post($"/api/appointments/{world.Kept}/rebook", new { providerId = world.Video, start = "2027-03-03T09:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.Conflict, "invalid-transition");
        (await api.Post("/api/appointments/nope/rebook", new { providerId = world.Video, start = "2027-03-03T09:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post($"/api/appointments/{world.Intake}/rebook", new { providerId = world.Leaving, start = "2027-03-10T09:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        (await api.Post($"/api/appointments/{world.Intake}/rebook", new { providerId = world.Leaving, start = "2027-03-22T09:00:00-07:00" }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "not-a-committed-slot");
        (await api.Post($"/api/appointments/{world.Intake}/rebook", new { providerId = world.Video, start = (string?)null }))
            .ExpectValidation("start");

        // A slot of the same provider in another program is not the displaced member's program.
        var other = await api.CreateProgram();
        var elsewhere = await api.Enroll(Api.ProviderBody(region: "Santa Rosa", modalities: ["video"]));
        await api.Commit(other.Id(), Api.CommitmentBody(elsewhere.Id()));
        (await api.Post($"/api/appointments/{world.Intake}/rebook", new { providerId = elsewhere.Id(), start = "2027-03-03T09:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "outside-program");

        // Nothing above changed the worklist.
        Assert.Equal(2, (await api.Get($"/api/programs/{world.ProgramId}/displaced")).Expect(HttpStatusCode.OK).GetArrayLength());
        (await api.Get("/api/programs/nope/displaced")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_program_with_nobody_displaced_has_an_empty_worklist()
    {
        var (programId, _, _) = await api.Scenario();
        Assert.Equal(0, (await api.Get($"/api/programs/{programId}/displaced")).Expect(HttpStatusCode.OK).GetArrayLength());
    }
}
