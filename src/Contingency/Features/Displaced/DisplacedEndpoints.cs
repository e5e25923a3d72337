namespace Contingency.Features.Displaced;

using Contingency.Features.Booking;
using Contingency.Infrastructure.OpenApi;
using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.Telemetry;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

public static class DisplacedEndpoints
{
    public static RouteGroupBuilder MapDisplaced(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Displaced");

        group.MapGet("/programs/{id}/displaced", async Task<Ok<IReadOnlyList<DisplacedView>>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListDisplaced(id), ct)))
            .WithSummary("Displaced appointments not yet rebooked, most urgent first, each with up to three suggested slots")
            .WithName("listDisplaced")
            .Allow(Roles.Scheduling);

        group.MapPost("/appointments/{id}/rebook", async Task<Created<AppointmentView>> (string id, RebookBody body, ISender sender, CancellationToken ct) =>
        {
            var appointment = await sender.Send(new Rebook(id, body.ProviderId, body.Start), ct);
            return TypedResults.Created($"/api/appointments/{appointment.Id}", appointment);
        }).WithSummary("Book a displaced appointment's member again, atomically, linking the two").WithName("rebookAppointment")
            .CountsAsBooking("rebook")
            .Allow(Roles.Scheduling)
            .RateLimitedPerCaller()
            .ProducesErrors(409, "slot-taken", "invalid-transition", "already-rebooked")
            .ProducesErrors(422, "not-a-committed-slot", "in-the-past", "modality-not-offered", "outside-program", "program-closed");

        return group;
    }
}
