namespace Contingency.Data.Entities;

/// <summary>
/// One amount owed to a provider for one commitment: the signing bonus, the advance for one
/// Monday-to-Sunday week, or an adjustment to a week already paid. A released payment is never
/// changed again; a later correction is a new adjustment row.
/// </summary>
public sealed class Payment
{
    public const string SigningBonus = "signing-bonus";
    public const string Advance = "advance";
    public const string Adjustment = "adjustment";

    public const string Scheduled = "scheduled";
    public const string Released = "released";
    public const string Cancelled = "cancelled";

    private Payment() { }

    private Payment(string id, Commitment commitment, string kind, DateOnly? periodStart, DateOnly? periodEnd, int sessions,
        decimal unitAmount, decimal amount, string currency, DateTimeOffset dueAt, string? adjustsPaymentId, DateTimeOffset now)
    {
        Id = id;
        ProgramId = commitment.ProgramId;
        ProviderId = commitment.ProviderId;
        CommitmentId = commitment.Id;
        Kind = kind;
        PeriodStart = periodStart;
        PeriodEnd = periodEnd;
        Sessions = sessions;
        UnitAmount = unitAmount;
        Amount = amount;
        Currency = currency;
        DueAt = dueAt.ToUniversalTime();
        Status = Scheduled;
        AdjustsPaymentId = adjustsPaymentId;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public static Payment NewSigningBonus(string id, Commitment commitment, decimal bonus, string currency, DateTimeOffset dueAt, DateTimeOffset now) =>
        new(id, commitment, SigningBonus, null, null, 0, bonus, bonus, currency, dueAt, null, now);

    public static Payment NewAdvance(string id, Commitment commitment, DateOnly monday, int sessions, decimal perSession,
        string currency, DateTimeOffset dueAt, DateTimeOffset now) =>
        new(id, commitment, Advance, monday, monday.AddDays(6), sessions, perSession, sessions * perSession, currency, dueAt, null, now);

    public static Payment NewAdjustment(string id, Payment advance, Commitment commitment, int sessions, DateTimeOffset dueAt, DateTimeOffset now) =>
        new(id, commitment, Adjustment, advance.PeriodStart, advance.PeriodEnd, sessions, advance.UnitAmount,
            sessions * advance.UnitAmount, advance.Currency, dueAt, advance.Id, now);

    public string Id { get; private set; } = "";
    public string ProgramId { get; private set; } = "";
    public string ProviderId { get; private set; } = "";
    public string CommitmentId { get; private set; } = "";
    public string Kind { get; private set; } = Advance;
    /// <summary>The Monday and Sunday of the week paid for (null for the signing bonus).</summary>
    public DateOnly? PeriodStart { get; private set; }
    public DateOnly? PeriodEnd { get; private set; }
    /// <summary>Sessions paid for: the week's committed slots, or for an adjustment the change (negative when slots were removed).</summary>
    public int Sessions { get; private set; }
    /// <summary>What one session earns (session rate + premium); the bonus itself for the signing bonus.</summary>
    public decimal UnitAmount { get; private set; }
    public decimal Amount { get; private set; }
    public string Currency { get; private set; } = "";
    public DateTimeOffset DueAt { get; private set; }
    public string Status { get; private set; } = Scheduled;
    public DateTimeOffset? ReleasedAt { get; private set; }
    public string? BatchId { get; private set; }
    /// <summary>For an adjustment: the advance it corrects.</summary>
    public string? AdjustsPaymentId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public void Release(string batchId, DateTimeOffset now)
    {
        RequireScheduled("release");
        Status = Released;
        BatchId = batchId;
        ReleasedAt = now;
        UpdatedAt = now;
    }

    public void Cancel(DateTimeOffset now)
    {
        RequireScheduled("cancel");
        Status = Cancelled;
        UpdatedAt = now;
    }

    /// <summary>A scheduled advance whose week changed before it was paid now pays for this many sessions.</summary>
    public void Recompute(int sessions, DateTimeOffset now)
    {
        RequireScheduled("recompute");
        Sessions = sessions;
        Amount = sessions * UnitAmount;
        UpdatedAt = now;
    }

    private void RequireScheduled(string action)
    {
        // Released money is never touched in place: this is a bug in the caller, not a user error.
        if (Status != Scheduled)
            throw new InvalidOperationException($"Cannot {action} payment {Id}: it is {Status}.");
    }
}
