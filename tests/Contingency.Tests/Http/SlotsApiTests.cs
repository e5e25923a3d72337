namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Tests.Support;

public sealed class SlotsApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task Lists_a_providers_slots_with_local_offsets_and_status()
    {
        var (_, providerId, commitmentId) = await api.Scenario(holidays: ["2027-03-05"]);
        await api.Book(Api.BookingBody(providerId, "2027-03-15T10:00:00-07:00"));

        var slots = (await api.Get($"/api/providers/{providerId}/slots?from=2027-03-12&to=2027-03-15")).Expect(HttpStatusCode.OK);

        Assert.Equal(12, slots.GetArrayLength()); // Friday and Monday; the weekend has none
        var first = slots[0];
        Assert.Equal("2027-03-12T09:00:00-08:00", first.Str("start"));
        Assert.Equal("2027-03-12T10:00:00-08:00", first.Str("end"));
        Assert.Equal("free", first.Str("status"));
        Assert.Equal(commitmentId, first.Str("commitmentId"));
        Assert.Equal("2027-03-15T09:00:00-07:00", slots[6].Str("start"));
        Assert.Equal("booked", slots[7].Str("status"));
        Assert.Equal(1, slots.EnumerateArray().Count(s => s.Str("status") == "booked"));

        var holiday = (await api.Get($"/api/providers/{providerId}/slots?from=2027-03-05&to=2027-03-05")).Expect(HttpStatusCode.OK);
        Assert.Equal(0, holiday.GetArrayLength());
        var whole = (await api.Get($"/api/providers/{providerId}/slots")).Expect(HttpStatusCode.OK);
        Assert.Equal(234, whole.GetArrayLength());
    }

    [Fact]
    public async Task Provider_slot_errors()
    {
        (await api.Get("/api/providers/nope/slots?from=2027-03-01&to=2027-03-02")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        var provider = await api.Enroll();
        (await api.Get($"/api/providers/{provider.Id()}/slots?from=2027-03-02&to=2027-03-01")).ExpectValidation("to");
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Get($"/api/providers/{provider.Id()}/slots?from=March")).Status);
        Assert.Equal(0, (await api.Get($"/api/providers/{provider.Id()}/slots")).Expect(HttpStatusCode.OK).GetArrayLength());
    }

    [Fact]
    public async Task Searches_free_slots_earliest_first_with_filters()
    {
        var program = await api.CreateProgram();
        var region = $"Region-{Guid.NewGuid():N}";
        var spanish = await api.Enroll(Api.ProviderBody(region: region, languages: ["en", "es"], licenseType: "LCSW"));
        var english = await api.Enroll(Api.ProviderBody(region: region, languages: ["en"], modalities: ["phone"], licenseType: "PsyD"));
        var elsewhere = await api.Enroll(Api.ProviderBody(region: "Fresno", languages: ["es"]));
        await api.Commit(program.Id(), Api.CommitmentBody(spanish.Id(), firstSlotAt: "10:00"));
        await api.Commit(program.Id(), Api.CommitmentBody(english.Id(), firstSlotAt: "09:00"));
        await api.Commit(program.Id(), Api.CommitmentBody(elsewhere.Id(), firstSlotAt: "08:00"));
        await api.Book(Api.BookingBody(spanish.Id(), "2027-03-01T10:00:00-08:00"));

        var path = $"/api/programs/{program.Id()}/slots";
        var es = (await api.Get($"{path}?from=2027-03-01&to=2027-03-14&region={region}&language=es&limit=3")).Expect(HttpStatusCode.OK);
        Assert.Equal(3, es.GetArrayLength());
        Assert.All(es.EnumerateArray(), s => Assert.Equal(spanish.Id(), s.Str("providerId")));
        Assert.Equal(["2027-03-01T11:00:00-08:00", "2027-03-01T12:00:00-08:00", "2027-03-01T13:00:00-08:00"],
            es.EnumerateArray().Select(s => s.Str("start")));
        Assert.Equal("2027-03-01T12:00:00-08:00", es[0].Str("end"));

        var all = (await api.Get($"{path}?from=2027-03-01&to=2027-03-01&region={region}")).Expect(HttpStatusCode.OK);
        Assert.Equal(11, all.GetArrayLength());
        var starts = all.EnumerateArray().Select(s => DateTimeOffset.Parse(s.Str("start"))).ToList();
        Assert.Equal(starts.Order(), starts);

        Assert.All((await api.Get($"{path}?from=2027-03-01&to=2027-03-01&modality=phone")).Expect(HttpStatusCode.OK).EnumerateArray(),
            s => Assert.Equal(english.Id(), s.Str("providerId")));
        Assert.All((await api.Get($"{path}?from=2027-03-01&to=2027-03-01&licenseType=LCSW")).Expect(HttpStatusCode.OK).EnumerateArray(),
            s => Assert.Equal(spanish.Id(), s.Str("providerId")));
        var later = (await api.Get($"{path}?from=2027-04-23&to=2027-05-30&region=Fresno")).Expect(HttpStatusCode.OK);
        Assert.Equal(6, later.GetArrayLength()); // the program ends on Sunday 2027-04-25
    }

    [Fact]
    public async Task Free_slot_search_errors()
    {
        (await api.Get("/api/programs/nope/slots")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        var program = await api.CreateProgram();
        (await api.Get($"/api/programs/{program.Id()}/slots?limit=0")).ExpectValidation("limit");
        (await api.Get($"/api/programs/{program.Id()}/slots?from=2027-03-02&to=2027-03-01")).ExpectValidation("to");
    }
}
