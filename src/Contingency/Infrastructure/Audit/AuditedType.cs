namespace Contingency.Infrastructure.Audit;

using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Compliance.Classification;

/// <summary>
/// How the audit trail names and describes one entity type, worked out once from EF's model: its
/// stable name, its key, and which of its properties a summary may show. A property carrying a
/// <see cref="DataClassificationAttribute"/> (member, contact or licence data) is never shown, only
/// said to have changed; the attribute decides, whatever the property is called.
/// </summary>
public sealed class AuditedType
{
    /// <summary>Names that stay put when a class is renamed; other entities get their class name in kebab case.</summary>
    private static readonly Dictionary<Type, string> Names = new()
    {
        [typeof(CareProgram)] = "program",
        [typeof(Provider)] = "provider",
        [typeof(Commitment)] = "commitment",
        [typeof(Appointment)] = "appointment",
        [typeof(Payment)] = "payment",
        [typeof(PaymentBatch)] = "payment-batch",
        [typeof(RegionDemand)] = "region-demand",
    };

    /// <summary>
    /// Not audited: the audit trail itself; stored answers to idempotent requests (bookkeeping of
    /// the write they answer, and they hold the member's reference inside the stored body); and the
    /// release guard rows, which repeat what the released payment's own entry says
    /// (<c>status: scheduled → released; batchId: … </c>) and would double a payment run's trail; and
    /// the retention jobs' last runs, written over every 15 minutes (what a run changes is audited itself).
    /// </summary>
    private static readonly HashSet<Type> NotAudited = [typeof(AuditEntry), typeof(IdempotencyRecord), typeof(PaymentRelease), typeof(BookedCount), typeof(RetentionRun)];

    /// <summary>Bookkeeping every write touches: the entry's own time says as much.</summary>
    private static readonly HashSet<string> Bookkeeping = ["CreatedAt", "UpdatedAt", "BookingsVersion"];

    /// <summary>Held as long as EF's model is: a host built again (tests build many) leaves nothing behind.</summary>
    private static readonly ConditionalWeakTable<IEntityType, Known> Described = new();

    private readonly IReadOnlyList<IProperty> key;
    private readonly Field[] fields;

    private AuditedType(IEntityType entityType)
    {
        Name = Names.GetValueOrDefault(entityType.ClrType) ?? AuditNames.Kebab(entityType.ClrType.Name);
        key = entityType.FindPrimaryKey()!.Properties;
        // In the order the class declares them (EF lists them by name), so a summary reads like the entity.
        fields = entityType.GetProperties()
            .Where(p => !p.IsPrimaryKey() && !Bookkeeping.Contains(p.Name))
            .OrderBy(p => p.PropertyInfo?.MetadataToken ?? int.MaxValue).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new Field(p, JsonNamingPolicy.CamelCase.ConvertName(p.Name), IsClassified(p)))
            .ToArray();
    }

    public string Name { get; }

    /// <summary>The audited description of an entity type; null for the types the trail leaves out.</summary>
    public static AuditedType? Of(IEntityType entityType) =>
        Described.GetValue(entityType, static t => new Known(NotAudited.Contains(t.ClrType) || t.FindPrimaryKey() is null ? null : new AuditedType(t))).Type;

    public string IdOf(EntityEntry entry)
    {
        if (key.Count == 1) return Format(entry.CurrentValues[key[0]]);
        return string.Join("/", key.Select(p => Format(entry.CurrentValues[p])));
    }

    /// <summary>
    /// "created; name: …; weeks: 8", "status: booked → cancelled; memberRef changed" or "deleted".
    /// Stops once past the entry's limit, which then cuts it with an ellipsis.
    /// </summary>
    public string Summarize(EntityEntry entry)
    {
        switch (entry.State)
        {
            case EntityState.Added:
            {
                var text = new StringBuilder("created");
                foreach (var field in fields)
                {
                    if (text.Length > AuditEntry.MaxSummaryLength) break;
                    if (field.Classified || entry.CurrentValues[field.Property] is not { } value) continue;
                    text.Append("; ").Append(field.Name).Append(": ").Append(Format(value));
                }
                return text.ToString();
            }
            case EntityState.Modified:
            {
                var text = new StringBuilder();
                foreach (var field in fields)
                {
                    if (text.Length > AuditEntry.MaxSummaryLength) break;
                    if (!entry.Property(field.Property).IsModified) continue;
                    if (text.Length > 0) text.Append("; ");
                    if (field.Classified) text.Append(field.Name).Append(" changed");
                    else text.Append(field.Name).Append(": ").Append(Format(entry.OriginalValues[field.Property]))
                        .Append(" → ").Append(Format(entry.CurrentValues[field.Property]));
                }
                return text.Length > 0 ? text.ToString() : "updated";
            }
            default:
                return "deleted";
        }
    }

    /// <summary>
    /// The summary <see cref="Summarize"/> gives an update that changed these properties (by property
    /// name, from → to), for writes made in one statement for many rows, which the change tracker never sees.
    /// </summary>
    public string SummarizeUpdate(IReadOnlyDictionary<string, (object? From, object? To)> changes)
    {
        if (changes.Keys.FirstOrDefault(name => !fields.Any(f => f.Property.Name == name)) is { } unknown)
            throw new ArgumentException($"{Name} has no audited property {unknown}.", nameof(changes));
        var text = new StringBuilder();
        foreach (var field in fields)
        {
            if (!changes.TryGetValue(field.Property.Name, out var change)) continue;
            if (text.Length > 0) text.Append("; ");
            if (field.Classified) text.Append(field.Name).Append(" changed");
            else text.Append(field.Name).Append(": ").Append(Format(change.From)).Append(" → ").Append(Format(change.To));
        }
        return text.Length > 0 ? text.ToString() : "updated";
    }

    private static bool IsClassified(IProperty property) =>
        Classified(property.PropertyInfo) || Classified(property.FieldInfo);

    private static bool Classified(MemberInfo? member) =>
        member is not null && Attribute.IsDefined(member, typeof(DataClassificationAttribute), inherit: true);

    /// <summary>Values as the contract writes them, whatever the server's culture: dates yyyy-MM-dd, instants in UTC, money with two decimals.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString(t.Second == 0 && t.Millisecond == 0 ? "HH:mm" : "HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset i => i.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        decimal m => m.ToString("0.00", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };

    private sealed record Field(IProperty Property, string Name, bool Classified);

    private sealed record Known(AuditedType? Type);
}

public static class AuditNames
{
    /// <summary>RunPayments → run-payments, NoShow → no-show, PaymentBatch → payment-batch.</summary>
    public static string Kebab(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var afterLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterLower || endsAcronym) text.Append('-');
                text.Append(char.ToLowerInvariant(c));
            }
            else text.Append(c);
        }
        return text.ToString();
    }
}
