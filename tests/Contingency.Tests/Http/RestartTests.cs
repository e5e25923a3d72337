namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Tests.Support;

public sealed class RestartTests
{
    [Fact]
    public async Task Everything_survives_a_restart_on_the_same_file()
    {
        var path = TempDatabase.NewPath();
        string programId, providerId, commitmentId;
        Response booked;
        var body = Api.BookingBody("", "2027-03-02T09:00:00-08:00");

        await using (var first = ContingencyApp.Over(path))
        {
            var api = first.Api();
            (programId, providerId, commitmentId) = await api.Scenario();
            body = Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00");
            booked = await api.Post("/api/appointments", body, idempotencyKey: "before-restart");
            booked.Expect(HttpStatusCode.Created);
        }

        await using (var second = ContingencyApp.Over(path))
        {
            var api = second.Api();
            (await api.Get($"/api/programs/{programId}")).Expect(HttpStatusCode.OK);
            (await api.Get($"/api/providers/{providerId}")).Expect(HttpStatusCode.OK);
            Assert.Equal(240, (await api.Get($"/api/commitments/{commitmentId}")).Expect(HttpStatusCode.OK).Int("totalSlots"));
            Assert.Equal("booked", (await api.Get($"/api/appointments/{booked.Body.Id()}")).Expect(HttpStatusCode.OK).Str("status"));

            var replay = (await api.Post("/api/appointments", body, idempotencyKey: "before-restart")).Expect(HttpStatusCode.Created);
            Assert.Equal(booked.Raw, replay.ToString());
            (await api.Post("/api/appointments", body)).ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
            Assert.Equal(1, (await api.Get($"/api/programs/{programId}/capacity")).Expect(HttpStatusCode.OK).GetProperty("totals").Int("booked"));
        }
    }
}
