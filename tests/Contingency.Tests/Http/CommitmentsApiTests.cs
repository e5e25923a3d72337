namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Tests.Support;

public sealed class CommitmentsApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task Records_a_commitment_and_counts_its_slots()
    {
        var program = await api.CreateProgram(Api.ProgramBody(holidays: ["2027-03-05"]));
        var provider = await api.Enroll();
        var commitment = (await api.Post($"/api/programs/{program.Id()}/commitments", Api.CommitmentBody(provider.Id())))
            .Expect(HttpStatusCode.Created);

        Assert.Equal("active", commitment.Str("status"));
        Assert.Equal("2027-04-25", commitment.Str("endsOn"));
        Assert.Equal(234, commitment.Int("totalSlots"));
        Assert.Equal("09:00", commitment.Str("firstSlotAt"));
        var fetched = (await api.Get($"/api/commitments/{commitment.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(commitment.ToString(), fetched.ToString());
    }

    [Theory]
    [InlineData(0, "09:00", "slotsPerDay")]
    [InlineData(13, "09:00", "slotsPerDay")]
    [InlineData(6, "19:00", "firstSlotAt")]   // the sixth slot would end at 01:00
    public async Task Refuses_a_day_that_does_not_fit(int slotsPerDay, string firstSlotAt, string field)
    {
        var program = await api.CreateProgram();
        var provider = await api.Enroll();
        (await api.Post($"/api/programs/{program.Id()}/commitments",
            Api.CommitmentBody(provider.Id(), slotsPerDay: slotsPerDay, firstSlotAt: firstSlotAt))).ExpectValidation(field);
    }

    [Fact]
    public async Task A_day_may_end_exactly_at_midnight()
    {
        var program = await api.CreateProgram();
        var provider = await api.Enroll();
        await api.Commit(program.Id(), Api.CommitmentBody(provider.Id(), slotsPerDay: 6, firstSlotAt: "18:00"));
    }

    [Fact]
    public async Task Local_times_are_exactly_HH_mm()
    {
        var program = await api.CreateProgram();
        var provider = await api.Enroll();
        foreach (var notHHmm in new[] { "9:00", "09:00:30", "24:00", "nine", "0900" })
        {
            var refused = (await api.Post($"/api/programs/{program.Id()}/commitments", Api.CommitmentBody(provider.Id(), firstSlotAt: notHHmm)))
                .ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
            Assert.Contains("HH:mm", refused.GetProperty("errors").GetProperty("firstSlotAt")[0].GetString());
        }
        var commitment = await api.Commit(program.Id(), Api.CommitmentBody(provider.Id(), firstSlotAt: "09:00"));
        Assert.Equal("09:00", commitment.Str("firstSlotAt"));
    }

    [Fact]
    public async Task Needs_at_least_one_weekday()
    {
        var program = await api.CreateProgram();
        var provider = await api.Enroll();
        (await api.Post($"/api/programs/{program.Id()}/commitments", Api.CommitmentBody(provider.Id(), weekdays: [])))
            .ExpectValidation("weekdays");
    }

    [Fact]
    public async Task Must_lie_inside_the_program_until_it_is_extended()
    {
        var program = await api.CreateProgram();
        var provider = await api.Enroll();
        var lateBody = Api.CommitmentBody(provider.Id(), startsOn: "2027-04-19", weeks: 2);
        (await api.Post($"/api/programs/{program.Id()}/commitments", lateBody)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "outside-program");
        (await api.Post($"/api/programs/{program.Id()}/commitments", Api.CommitmentBody(provider.Id(), startsOn: "2027-02-22")))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "outside-program");

        (await api.Post($"/api/programs/{program.Id()}/extend", new { weeks = 2 })).Expect(HttpStatusCode.OK);
        var commitment = await api.Commit(program.Id(), lateBody);
        Assert.Equal("2027-05-02", commitment.Str("endsOn"));
        Assert.Equal(60, commitment.Int("totalSlots"));
    }

    [Fact]
    public async Task Cannot_start_before_today_in_the_programs_zone()
    {
        // The program has been running since January; it is 2027-02-01 now.
        var program = await api.CreateProgram(Api.ProgramBody(startsOn: "2027-01-04", weeks: 12));
        var provider = await api.Enroll();
        (await api.Post($"/api/programs/{program.Id()}/commitments", Api.CommitmentBody(provider.Id(), startsOn: "2027-01-25", weeks: 2)))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "in-the-past");
        await api.Commit(program.Id(), Api.CommitmentBody(provider.Id(), startsOn: "2027-02-01", weeks: 2));
    }

    [Fact]
    public async Task One_active_commitment_per_provider_and_program()
    {
        var (programId, providerId, _) = await api.Scenario();
        (await api.Post($"/api/programs/{programId}/commitments", Api.CommitmentBody(providerId, startsOn: "2027-03-08", weeks: 1)))
            .ExpectProblem(HttpStatusCode.Conflict, "already-committed");
    }

    [Fact]
    public async Task Unknown_provider_or_program_is_404()
    {
        var program = await api.CreateProgram();
        var provider = await api.Enroll();
        (await api.Post($"/api/programs/{program.Id()}/commitments", Api.CommitmentBody("nope"))).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post("/api/programs/nope/commitments", Api.CommitmentBody(provider.Id()))).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Get("/api/commitments/nope")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post("/api/commitments/nope/withdraw", new { effectiveOn = "2027-03-15", reason = "x" })).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Withdrawal_ends_the_commitment_the_day_before_and_displaces_later_bookings()
    {
        var (programId, providerId, commitmentId) = await api.Scenario(holidays: ["2027-03-05"]);
        var kept = await api.Book(Api.BookingBody(providerId, "2027-03-12T09:00:00-08:00"));
        var lost = await api.Book(Api.BookingBody(providerId, "2027-03-15T10:00:00-07:00", memberRef: "M-2"));
        var cancelled = await api.Book(Api.BookingBody(providerId, "2027-03-16T10:00:00-07:00", memberRef: "M-3"));
        (await api.Post($"/api/appointments/{cancelled.Id()}/cancel", new { reason = "member unwell", initiatedBy = "member" })).Expect(HttpStatusCode.OK);

        var withdrawn = (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-03-15", reason = "back to own practice" }))
            .Expect(HttpStatusCode.OK);

        Assert.Equal("withdrawn", withdrawn.Str("status"));
        Assert.Equal("2027-03-14", withdrawn.Str("endsOn"));
        Assert.Equal(6 * 9, withdrawn.Int("totalSlots")); // two weeks less one holiday
        Assert.Equal([lost.Id()], withdrawn.GetProperty("displacedAppointments").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("displaced", (await api.Get($"/api/appointments/{lost.Id()}")).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal("booked", (await api.Get($"/api/appointments/{kept.Id()}")).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal("cancelled", (await api.Get($"/api/appointments/{cancelled.Id()}")).Expect(HttpStatusCode.OK).Str("status"));

        var fetched = (await api.Get($"/api/commitments/{commitmentId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(54, fetched.Int("totalSlots"));
        Assert.False(fetched.TryGetProperty("displacedAppointments", out _));
        var slots = (await api.Get($"/api/providers/{providerId}/slots?from=2027-03-01&to=2027-04-30")).Expect(HttpStatusCode.OK);
        Assert.Equal(54, slots.GetArrayLength());
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-15T11:00:00-07:00")))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "not-a-committed-slot");

        // The provider may commit again later in the same program.
        await api.Commit(programId, Api.CommitmentBody(providerId, startsOn: "2027-03-29", weeks: 2));
    }

    [Fact]
    public async Task Withdrawal_rules()
    {
        var (_, _, commitmentId) = await api.Scenario();
        (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-01-31", reason = "x" }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "in-the-past");
        (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-04-26", reason = "x" }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "outside-commitment");
        (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-03-15" })).ExpectValidation("reason");

        // Withdrawn before it starts: nothing is left of it.
        var all = (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-02-15", reason = "x" })).Expect(HttpStatusCode.OK);
        Assert.Equal(0, all.Int("totalSlots"));
        (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-03-15", reason = "x" }))
            .ExpectProblem(HttpStatusCode.Conflict, "invalid-transition");
    }
}
