namespace Contingency.Features.Fhir;

using Contingency.Infrastructure.Security;
using Hl7.Fhir.Model;
using Mediator;

/// <summary>
/// FHIR R4 read and search under /fhir, for the plan's scheduling and EHR systems. Each route takes
/// the roles of the /api route it mirrors (named beside each below). A provider's token sees its own records only: another
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

        // GET /api/providers/{id} and GET /api/providers.
        Resource(group, "Practitioner", id => new ReadPractitioner(id), s => new SearchPractitioners(s), SearchPractitioners.Parameters,
            [Roles.Enrollment, Roles.Capacity, Roles.Provider], [Roles.Enrollment, Roles.Capacity]);
        // GET /api/commitments/{id} and the program's commitments.
        Resource(group, "Schedule", id => new ReadSchedule(id), s => new SearchSchedules(s), SearchSchedules.Parameters,
            [Roles.Enrollment], [Roles.Enrollment]);
        // GET /api/providers/{id}/slots (and, for status=free by program, /api/programs/{id}/slots).
        Resource(group, "Slot", id => new ReadSlot(id), s => new SearchSlots(s), SearchSlots.Parameters,
            [Roles.Scheduling, Roles.Provider], [Roles.Scheduling, Roles.Provider]);
        // GET /api/appointments/{id} and GET /api/appointments.
        Resource(group, "Appointment", id => new ReadAppointment(id), s => new SearchAppointments(s), SearchAppointments.Parameters,
            [Roles.Scheduling, Roles.Provider], [Roles.Scheduling, Roles.Provider]);
        return group;
    }

    private static void Resource(RouteGroupBuilder group, string type, Func<string, IQuery<Resource>> read,
        Func<FhirSearch, IQuery<FhirPage>> search, IReadOnlyList<string> parameters, string[] readRoles, string[] searchRoles)
    {
        group.MapGet($"/{type}/{{id}}", async (string id, ISender sender, CancellationToken ct) => new FhirResult(await sender.Send(read(id), ct)))
            .WithName($"fhirRead{type}")
            .Allow(readRoles);
        group.MapGet($"/{type}", async (HttpRequest request, ISender sender, CancellationToken ct) =>
            {
                var parsed = FhirSearch.Parse(request.Query, parameters);
                return new FhirResult(FhirBundles.Searchset(request, parsed, await sender.Send(search(parsed), ct)));
            })
            .WithName($"fhirSearch{type}")
            .Allow(searchRoles);
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
