namespace Contingency.Tests.Rules;

using System.Reflection;
using Contingency.Data.Entities;
using Microsoft.Extensions.Compliance.Classification;

/// <summary>
/// Classification, not care: every property that holds member, contact or licence data, or free
/// text, says so with its data-class attribute, wherever it is (entities, request bodies,
/// messages, views), so that redaction and the audit trail can act on it.
/// </summary>
public sealed class ClassificationTests
{
    private static readonly string[] Sensitive =
        ["MemberRef", "Email", "LicenseNumber", "Reason", "CancelReason", "WithdrawalReason", "PreviousVisitOn", "FollowUpDueBy", "TimelyAccessMet"];

    [Fact]
    public void Every_property_named_for_sensitive_data_carries_its_classification()
    {
        var properties = new[] { typeof(Program).Assembly, typeof(Appointment).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(p => Sensitive.Contains(p.Name))
            .ToList();

        Assert.True(properties.Count >= 20, $"only {properties.Count} such properties found: the scan looks in the wrong place");
        var unmarked = properties.Where(p => p.GetCustomAttribute<DataClassificationAttribute>() is null)
            .Select(p => $"{p.DeclaringType!.FullName}.{p.Name}").ToList();
        Assert.True(unmarked.Count == 0, "Unclassified: " + string.Join(", ", unmarked));
    }
}
