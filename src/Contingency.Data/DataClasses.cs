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

    /// <summary>Free text people type (a withdrawal's reason): it may name anyone or anything.</summary>
    public static DataClassification FreeText { get; } = new(Taxonomy, nameof(FreeText));

    /// <summary>What opens something without a token (a calendar feed's secret, or its hash).</summary>
    public static DataClassification Secret { get; } = new(Taxonomy, nameof(Secret));
}

/// <summary>
/// Data about a member's care (health information): the member reference, and what the
/// appointment says of their course of care (kind, previous visit, follow-up due date, timely
/// access, a cancellation's reason). Named for the member's health, so as not to be mistaken for
/// xunit's <c>[MemberData]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class HealthDataAttribute() : DataClassificationAttribute(DataClasses.Member);

/// <summary>Contact data: an email.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class ContactDataAttribute() : DataClassificationAttribute(DataClasses.Contact);

/// <summary>A licence number.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class LicenceDataAttribute() : DataClassificationAttribute(DataClasses.Licence);

/// <summary>Free text (a withdrawal's reason).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class FreeTextDataAttribute() : DataClassificationAttribute(DataClasses.FreeText);

/// <summary>A secret, or what is derived from one (a calendar feed's hash).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class SecretDataAttribute() : DataClassificationAttribute(DataClasses.Secret);
