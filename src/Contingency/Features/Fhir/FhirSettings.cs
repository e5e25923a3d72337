namespace Contingency.Features.Fhir;

/// <summary>How the FHIR API names what is not the service's own: the system of the plan's member references.</summary>
public sealed class FhirSettings
{
    public const string DefaultMemberSystem = "urn:contingency:member-ref";
    public string MemberIdentifierSystem { get; set; } = DefaultMemberSystem;
}
