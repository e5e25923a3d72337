namespace Contingency.Features.Fhir;

using Contingency.Infrastructure.Security;
using Hl7.Fhir.Model;
using Mediator;

/// <summary>
/// FHIR R4 read and search under /fhir, for the plan's scheduling and EHR systems. Each route takes
/// the roles of the /api routes it mirrors: Practitioner those of a provider's record, Schedule those
/// of commitments and of a provider's slots (a schedule is what a slot search names), Slot and
/// Appointment those of slots and appointments. A provider's token sees its own records only: another
/// provider's is 404 on a read and absent from a search. Errors are OperationOutcome (<see cref="FhirOutcomeWriter"/>).
/// The CapabilityStatement documents these routes for FHIR clients, so the OpenAPI document leaves them out.
/// </summary>
public static class FhirEndpoints
{
    public const string BasePath = "/fhir";

    public static RouteGroupBuilder MapFhir(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(BasePath).WithTags("FHIR").ExcludeFromDescription();

        group.MapGet("/metadata", (HttpRequest request) => new FhirResult(GetCapabilities.Statement(FhirBundles.BaseUrl(request))))
            .WithName("fhirCapabilities")
            .AllowAnonymous();

        Resource(group, "Practitioner", id => new ReadPractitioner(id), s => new SearchPractitioners(s), SearchPractitioners.Parameters,
            Roles.Enrollment, Roles.Capacity, Roles.Provider);
        Resource(group, "Schedule", id => new ReadSchedule(id), s => new SearchSchedules(s), SearchSchedules.Parameters,
            Roles.Enrollment, Roles.Scheduling, Roles.Provider);
        Resource(group, "Slot", id => new ReadSlot(id), s => new SearchSlots(s), SearchSlots.Parameters,
            Roles.Scheduling, Roles.Provider);
        Resource(group, "Appointment", id => new ReadAppointment(id), s => new SearchAppointments(s), SearchAppointments.Parameters,
            Roles.Scheduling, Roles.Provider);
        return group;
    }

    private static void Resource(RouteGroupBuilder group, string type, Func<string, IQuery<Resource>> read,
        Func<FhirSearch, IQuery<FhirPage>> search, IReadOnlyList<string> parameters, params string[] roles)
    {
        group.MapGet($"/{type}/{{id}}", async (string id, ISender sender, CancellationToken ct) => new FhirResult(await sender.Send(read(id), ct)))
            .WithName($"fhirRead{type}")
            .Allow(roles);
        group.MapGet($"/{type}", async (HttpRequest request, ISender sender, CancellationToken ct) =>
            {
                var parsed = FhirSearch.Parse(request.Query, parameters);
                return new FhirResult(FhirBundles.Searchset(request, parsed, await sender.Send(search(parsed), ct)));
            })
            .WithName($"fhirSearch{type}")
            .Allow(roles);
    }
}

public static class FhirServices
{
    public static IServiceCollection AddFhir(this IServiceCollection services)
    {
        services.AddOptions<FhirSettings>().BindConfiguration("Fhir")
            .Validate(s => Uri.TryCreate(s.MemberIdentifierSystem, UriKind.Absolute, out _), "Fhir:MemberIdentifierSystem must be an absolute URI.")
            .ValidateOnStart();
        return services.AddSingleton<Microsoft.AspNetCore.Http.IProblemDetailsWriter, FhirOutcomeWriter>();
    }
}
