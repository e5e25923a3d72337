namespace Contingency.Features.Retention;

using Mediator;
using Quartz;

/// <summary>Sends <see cref="ExpireIdempotencyRecords"/>, and nothing else; one node of a cluster runs it at a time.</summary>
[DisallowConcurrentExecution]
public sealed class ExpireIdempotencyRecordsJob(ISender sender) : IJob
{
    public static readonly JobKey Key = new("expire-idempotency-records", RetentionJobs.Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sender.Send(new ExpireIdempotencyRecords(), cancellationToken);
}

public static class RetentionJobs
{
    public const string Group = "retention";

    /// <summary>Every 15 minutes, each a durable job with its trigger in the persistent store (written again by every node at start).</summary>
    public static void AddRetentionJobs(this IQuartzBuilder q)
    {
        q.AddJob<ExpireIdempotencyRecordsJob>(j => j.WithIdentity(ExpireIdempotencyRecordsJob.Key).StoreDurably().RequestRecovery());
        q.AddTrigger(t => t.ForJob(ExpireIdempotencyRecordsJob.Key)
            .WithIdentity("expire-idempotency-records.every-15-minutes", Group)
            .WithCronSchedule("0 0/15 * * * ?", c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
    }
}
