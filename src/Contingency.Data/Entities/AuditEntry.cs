namespace Contingency.Data.Entities;

/// <summary>
/// One write to one record: who made it, when, under which action, and a short account of the
/// change. Entries are only ever added, in the transaction of the write they describe; the
/// database refuses to update or delete them (see the AuditTrail migration).
/// </summary>
public sealed class AuditEntry
{
    public const int MaxActorLength = 200;
    public const int MaxActionLength = 100;
    public const int MaxEntityTypeLength = 50;
    public const int MaxEntityIdLength = 40;
    public const int MaxSummaryLength = 500;

    private AuditEntry() { }

    /// <summary>
    /// The actor, action and record come from the service itself, so one that does not fit is a bug
    /// and fails the write. The summary is cut with an ellipsis instead: a long change is still a write.
    /// </summary>
    public AuditEntry(DateTimeOffset at, string actor, string action, string entityType, string entityId, string summary)
    {
        Require(nameof(actor), actor, MaxActorLength);
        Require(nameof(action), action, MaxActionLength);
        Require(nameof(entityType), entityType, MaxEntityTypeLength);
        Require(nameof(entityId), entityId, MaxEntityIdLength);

        At = at.ToUniversalTime();
        Actor = actor;
        Action = action;
        EntityType = entityType;
        EntityId = entityId;
        Summary = Fit(summary, MaxSummaryLength);
    }

    /// <summary>Given by the database in insert order: what orders entries written at the same instant.</summary>
    public long Sequence { get; private set; }
    public DateTimeOffset At { get; private set; }
    /// <summary>The token's subject, or "system" for what the service does by itself (the scheduler's runs).</summary>
    public string Actor { get; private set; } = "";
    public string Action { get; private set; } = "";
    public string EntityType { get; private set; } = "";
    public string EntityId { get; private set; } = "";
    public string Summary { get; private set; } = "";

    /// <summary>The text, or as much of it as fits followed by an ellipsis (never half a surrogate pair).</summary>
    public static string Fit(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    private static void Require(string field, string value, int max)
    {
        if (string.IsNullOrEmpty(value)) throw new ArgumentException($"An audit entry needs its {field}.", field);
        if (value.Length > max) throw new ArgumentException($"An audit entry's {field} is at most {max} characters.", field);
    }
}

/// <summary>
/// Who is writing and under which action, for the audit trail of the writes that follow. Set on
/// <see cref="ContingencyDb.AuditScope"/> around each message; absent, the writer is the system.
/// </summary>
public sealed record AuditScope(string Actor, string Action);
