namespace Contingency.Data.Entities;

/// <summary>
/// The last run of one retention job: when it started and finished, how it ended and what it did.
/// One row per job, written over by each run, so the record of the jobs that keep the database from
/// growing does not itself grow.
/// </summary>
public sealed class RetentionRun
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    /// <summary>The policy turns the job off (<c>Retention:MemberDataDays</c> 0): it ran and did nothing.</summary>
    public const string Off = "off";

    public const int MaxDetailLength = 500;

    private RetentionRun() { }

    public RetentionRun(string job) => Job = job;

    public string Job { get; private set; } = "";
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset FinishedAt { get; private set; }
    public string Outcome { get; private set; } = "";
    /// <summary>How many records the run removed or changed.</summary>
    public int Affected { get; private set; }
    /// <summary>What it did, in a line with ids and counts only.</summary>
    public string Detail { get; private set; } = "";

    public void Record(DateTimeOffset startedAt, DateTimeOffset finishedAt, string outcome, int affected, string detail)
    {
        StartedAt = startedAt;
        FinishedAt = finishedAt;
        Outcome = outcome;
        Affected = affected;
        Detail = AuditEntry.Fit(detail, MaxDetailLength);
    }
}
