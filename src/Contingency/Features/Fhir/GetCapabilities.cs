namespace Contingency.Features.Fhir;

using System.Reflection;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.CapabilityStatement;

/// <summary>
/// What the FHIR API does, exactly: four resource types, read and search, the parameters each
/// search takes, JSON only. Clients read it before anything else, so it is the one route
/// under /fhir that needs no token (as FHIR and SMART expect).
/// </summary>
public static class GetCapabilities
{
    /// <summary>When what this statement describes last changed.</summary>
    private const string Revised = "2026-11-30";

    public static CapabilityStatement Statement(string baseUrl) => new()
    {
        Url = $"{baseUrl}/metadata",
        Name = "ContingencyFhirApi",
        Title = "Contingency: contract providers' schedules, slots and appointments",
        Status = PublicationStatus.Active,
        Date = Revised,
        Kind = CapabilityStatementKind.Instance,
        Software = new SoftwareComponent
        {
            Name = "Contingency",
            Version = typeof(GetCapabilities).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
        },
        Implementation = new ImplementationComponent
        {
            // R4's description is a string; the SDK's shared class would write R5's markdown.
            DescriptionElement = new FhirString("Read and search of the strike contingency program's practitioners, schedules (one per commitment), slots and appointments."),
            Url = baseUrl,
        },
        FhirVersion = FHIRVersion.N4_0_1,
        FormatElement = { new Code("application/fhir+json") },
        Rest =
        {
            new RestComponent
            {
                Mode = RestfulCapabilityMode.Server,
                Documentation = "Every route but this one takes a bearer token (JWT) with the roles the matching /api routes take: Practitioner those of providers, Schedule those of commitments, Slot and Appointment those of slots and appointments. A provider's token sees its own records only. Searches page with _count (1-500, default 50) and follow the next link; repeated parameters are and, commas or.",
                Security = new SecurityComponent { Description = "Authorization: Bearer <JWT>, as the service's /api routes." },
                SearchParam =
                {
                    Param("_count", SearchParamType.Number, null, "Matches a page: 1 to 500, default 50."),
                    Param("_offset", SearchParamType.Number, null, "Where the page starts; the next link carries it."),
                    Param("_format", SearchParamType.Token, null, "json or application/fhir+json: the server answers JSON only."),
                },
                Resource =
                {
                    Resource("Practitioner", "The contract providers: NPI as identifier, licence as qualification.",
                        Param("identifier", SearchParamType.Token, "Practitioner-identifier", "The NPI: http://hl7.org/fhir/sid/us-npi|{npi}, or the NPI alone.")),
                    Resource("Schedule", "One per commitment: actor the practitioner, planningHorizon the commitment's days.",
                        Param("actor", SearchParamType.Reference, "Schedule-actor", "Practitioner/{id}; several, comma-separated."),
                        Param("active", SearchParamType.Token, "Schedule-active", "true or false.")),
                    Resource("Slot", "A commitment's slots, free or busy. Ids are {scheduleId}-{start in UTC, yyyyMMddHHmm}.",
                        Param("schedule", SearchParamType.Reference, "Slot-schedule", "Schedule/{id}; several, comma-separated."),
                        Param("schedule.actor", SearchParamType.Reference, "Schedule-actor", "The schedules' practitioner, chained: Practitioner/{id}."),
                        Param("start", SearchParamType.Date, "Slot-start", "Prefixes eq, gt, ge, lt, le; a date is a local date in the program's zone."),
                        Param("status", SearchParamType.Token, "Slot-status", "free or busy."),
                        Param("program", SearchParamType.Token, null, "Instead of schedule: the program whose free slots to search, earliest first (status=free)."),
                        Param("region", SearchParamType.String, null, "With program: the providers' region, exactly.")),
                    Resource("Appointment", "Appointments; the member as an identifier only.",
                        Param("practitioner", SearchParamType.Reference, "Appointment-practitioner", "Practitioner/{id}; several, comma-separated."),
                        Param("date", SearchParamType.Date, "clinical-date", "The start: prefixes eq, gt, ge, lt, le; a date is a local date in the program's zone."),
                        Param("status", SearchParamType.Token, "Appointment-status", "booked, fulfilled, noshow or cancelled; several, comma-separated.")),
                },
            },
        },
    };

    private static ResourceComponent Resource(string type, string documentation, params CapabilityStatement.SearchParamComponent[] parameters) => new()
    {
        Type = type,
        Documentation = documentation,
        Interaction =
        {
            new ResourceInteractionComponent { Code = TypeRestfulInteraction.Read },
            new ResourceInteractionComponent { Code = TypeRestfulInteraction.SearchType },
        },
        SearchParam = parameters.ToList(),
    };

    private static CapabilityStatement.SearchParamComponent Param(string name, SearchParamType type, string? standard, string documentation) => new()
    {
        Name = name,
        Type = type,
        Definition = standard is null ? null : $"http://hl7.org/fhir/SearchParameter/{standard}",
        Documentation = documentation,
    };
}
