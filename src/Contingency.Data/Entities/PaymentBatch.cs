namespace Contingency.Data.Entities;

/// <summary>What one payment run released: the unit accounts payable imports and reconciles.</summary>
public sealed class PaymentBatch
{
    private PaymentBatch() { }

    public PaymentBatch(string id, string programId, int released, decimal amount, string currency, DateTimeOffset now)
    {
        Id = id;
        ProgramId = programId;
        Released = released;
        Amount = amount;
        Currency = currency;
        CreatedAt = now;
    }

    public string Id { get; private set; } = "";
    public string ProgramId { get; private set; } = "";
    public int Released { get; private set; }
    public decimal Amount { get; private set; }
    public string Currency { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}

/// <summary>
/// One row per released payment, keyed by the payment: the database itself refuses to put a
/// payment into a second batch, whatever two racing runs or two nodes try.
/// </summary>
public sealed class PaymentRelease
{
    private PaymentRelease() { }

    public PaymentRelease(string paymentId, string batchId, DateTimeOffset now)
    {
        PaymentId = paymentId;
        BatchId = batchId;
        ReleasedAt = now;
    }

    public string PaymentId { get; private set; } = "";
    public string BatchId { get; private set; } = "";
    public DateTimeOffset ReleasedAt { get; private set; }
}
