namespace Contingency.Features.Retention;

/// <summary>
/// What the service keeps and for how long (README, "Retention"): an idempotency record answers
/// retries for <see cref="IdempotencyWindow"/>, then the key is free again; a closed program's member
/// references are replaced by a one-way hash <see cref="MemberDataDays"/> after it closed (0: never).
/// Payments, batches, remittance files and the audit trail are financial records: never purged.
/// </summary>
public sealed record RetentionPolicy(int IdempotencyHours, int MemberDataDays, int BatchSize = RetentionPolicy.DefaultBatchSize)
{
    public const int DefaultIdempotencyHours = 24;

    /// <summary>Rows a retention job removes or changes per transaction: small enough that bookings never wait long for the write lock.</summary>
    public const int DefaultBatchSize = 1_000;

    /// <summary>Seven years.</summary>
    public const int DefaultMemberDataDays = 2555;

    public TimeSpan IdempotencyWindow => TimeSpan.FromHours(IdempotencyHours);

    public static RetentionPolicy From(IConfiguration config) => new(
        config.GetValue("Retention:IdempotencyHours", DefaultIdempotencyHours),
        config.GetValue("Retention:MemberDataDays", DefaultMemberDataDays),
        config.GetValue("Retention:BatchSize", DefaultBatchSize));

    /// <summary>Why the retention settings cannot be used, in one line; null when they can.</summary>
    public static string? ConfigurationProblem(IConfiguration config)
    {
        if (config["Retention:IdempotencyHours"] is { Length: > 0 } hours && (!int.TryParse(hours, out var h) || h is < 1 or > 24 * 366))
            return "Retention:IdempotencyHours must be a whole number of hours from 1 to 8784.";
        if (config["Retention:MemberDataDays"] is { Length: > 0 } days && (!int.TryParse(days, out var d) || d is < 0 or > 36500))
            return "Retention:MemberDataDays must be a whole number of days from 0 (never) to 36500.";
        // SQL Server escalates to a table lock past about 5,000 row locks in one statement.
        if (config["Retention:BatchSize"] is { Length: > 0 } size && (!int.TryParse(size, out var s) || s is < 1 or > 4_000))
            return "Retention:BatchSize must be a whole number of rows from 1 to 4000.";
        return null;
    }
}
