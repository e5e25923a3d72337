namespace Contingency.Features.Retention;

/// <summary>
/// What the service keeps and for how long (README, "Retention"): an idempotency record answers
/// retries for <see cref="IdempotencyWindow"/>, then the key is free again; a closed program's member
/// references are replaced by a one-way hash <see cref="MemberDataDays"/> after it closed (0: never).
/// Payments, batches, remittance files and the audit trail are financial records: never purged.
/// The jobs that carry it out run on <see cref="ExpirySchedule"/> and <see cref="MemberDataSchedule"/>,
/// Quartz cron expressions read in UTC.
/// </summary>
public sealed record RetentionPolicy(int IdempotencyHours, int MemberDataDays, int BatchSize = RetentionPolicy.DefaultBatchSize,
    string ExpirySchedule = RetentionPolicy.DefaultExpirySchedule, string MemberDataSchedule = RetentionPolicy.DefaultMemberDataSchedule)
{
    public const int DefaultIdempotencyHours = 24;

    /// <summary>Rows a retention job removes or changes per transaction: small enough that bookings never wait long for the write lock.</summary>
    public const int DefaultBatchSize = 1_000;

    /// <summary>Seven years.</summary>
    public const int DefaultMemberDataDays = 2555;

    /// <summary>Every 15 minutes: a record lives at most a quarter of an hour past its window.</summary>
    public const string DefaultExpirySchedule = "0 0/15 * * * ?";

    /// <summary>Daily at 02:30 UTC, the night in the Americas.</summary>
    public const string DefaultMemberDataSchedule = "0 30 2 * * ?";

    public TimeSpan IdempotencyWindow => TimeSpan.FromHours(IdempotencyHours);

    public static RetentionPolicy From(IConfiguration config) => new(
        config.GetValue("Retention:IdempotencyHours", DefaultIdempotencyHours),
        config.GetValue("Retention:MemberDataDays", DefaultMemberDataDays),
        config.GetValue("Retention:BatchSize", DefaultBatchSize),
        Normalized(config["Retention:ExpirySchedule"] is { Length: > 0 } expiry ? expiry : DefaultExpirySchedule),
        Normalized(config["Retention:MemberDataSchedule"] is { Length: > 0 } hashing ? hashing : DefaultMemberDataSchedule));

    /// <summary>
    /// A cron expression as Quartz stores it (<c>sun</c> becomes <c>SUN</c>, and so on), so that a start can tell
    /// a stored trigger of the same schedule from a changed one; one Quartz cannot read stays as written.
    /// </summary>
    public static string Normalized(string cron) =>
        Quartz.CronExpression.TryParse(cron.Trim(), out var expression) ? expression.CronExpressionString : cron.Trim();

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
        foreach (var setting in (string[])["Retention:ExpirySchedule", "Retention:MemberDataSchedule"])
            if (config[setting] is { Length: > 0 } cron && !FiresAgain(cron.Trim()))
                return $"{setting} must be a Quartz cron expression of six fields that fires (seconds minutes hours day-of-month month day-of-week, e.g. '0 0/15 * * * ?'), read in UTC.";
        return null;
    }

    /// <summary>
    /// A valid Quartz cron expression of six fields (no year: a schedule that names one stops firing) with
    /// a moment in it at all (not, say, 30 February). Without a year, a moment once means a moment every year.
    /// </summary>
    private static bool FiresAgain(string cron)
    {
        if (cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 6 || !Quartz.CronExpression.TryParse(cron, out var expression)) return false;
        return expression.WithTimeZone(TimeZoneInfo.Utc).GetNextValidTimeAfter(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)) is not null;
    }
}
