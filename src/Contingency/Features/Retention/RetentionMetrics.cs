namespace Contingency.Features.Retention;

using System.Diagnostics.Metrics;
using Contingency.Data.Entities;
using Contingency.Infrastructure.Telemetry;

/// <summary>
/// The retention jobs' metrics, on the service's meter: runs by job and outcome, and the rows they
/// removed or changed. This node's own counts (add them up over the nodes). Every job and outcome has
/// its series from the start. Whether a job's last run failed, which ContingencyRetentionJobFailing alerts on, is
/// a gauge read from the database (<see cref="Failing"/>), so it holds across restarts until a run completes.
/// </summary>
public sealed class RetentionMetrics
{
    public const string Runs = "contingency.retention_runs";
    public const string Rows = "contingency.retention_run.rows";

    /// <summary>A gauge read from the database (<see cref="Infrastructure.Telemetry.OperationsGauges"/>): 1 per job whose last run failed.</summary>
    public const string Failing = "contingency.retention_run.failing";

    public static readonly IReadOnlyList<string> Jobs = [ExpireIdempotencyRecords.Job, HashMemberData.Job];
    public static readonly IReadOnlyList<string> Outcomes = [RetentionRun.Completed, RetentionRun.Failed, RetentionRun.Off];

    private readonly Counter<long> runs;
    private readonly Counter<long> rows;

    public RetentionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Instrumentation.Name, Instrumentation.Version);
        runs = meter.CreateCounter<long>(Runs, "{run}", "Retention job runs on this node, by job and outcome: completed, failed or off (the policy turned off).");
        rows = meter.CreateCounter<long>(Rows, "{row}",
            "Rows a retention job removed (idempotency records) or changed (appointments hashed), by job; a failed run's committed batches count.");
        foreach (var job in Jobs)
        {
            rows.Add(0, new KeyValuePair<string, object?>(Instrumentation.RetentionJob, job));
            foreach (var outcome in Outcomes) runs.Add(0, new(Instrumentation.RetentionJob, job), new(Instrumentation.RetentionRunOutcome, outcome));
        }
    }

    public void Run(string job, string outcome, int affected)
    {
        runs.Add(1, new(Instrumentation.RetentionJob, job), new(Instrumentation.RetentionRunOutcome, outcome));
        if (affected > 0) rows.Add(affected, new KeyValuePair<string, object?>(Instrumentation.RetentionJob, job));
    }
}
