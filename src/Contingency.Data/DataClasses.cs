namespace Contingency.Data;

using Microsoft.Extensions.Compliance.Classification;

/// <summary>
/// What the service holds that must never reach a log line, an exception message or the audit
/// trail. Properties carrying such data say so with one of the attributes below; redaction and
/// the audit trail act on the attribute, not on each author's care.
/// </summary>
public static class DataClasses
{
    public const string Taxonomy = "Contingency";

    /// <summary>Member references: they identify a member's care, which is health information.</summary>
    public static DataClassification Member { get; } = new(Taxonomy, nameof(Member));

    /// <summary>How to reach a person: emails.</summary>
    public static DataClassification Contact { get; } = new(Taxonomy, nameof(Contact));

    /// <summary>Professional licence numbers.</summary>
    public static DataClassification Licence { get; } = new(Taxonomy, nameof(Licence));
}

/// <summary>A member reference (health information).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class MemberDataAttribute() : DataClassificationAttribute(DataClasses.Member);

/// <summary>Contact data: an email.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class ContactDataAttribute() : DataClassificationAttribute(DataClasses.Contact);

/// <summary>A licence number.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class LicenceDataAttribute() : DataClassificationAttribute(DataClasses.Licence);
