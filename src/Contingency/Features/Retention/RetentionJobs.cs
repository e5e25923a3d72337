namespace Contingency.Features.Retention;

using Mediator;
using Quartz;

/// <summary>Sends <see cref="ExpireIdempotencyRecords"/>, and nothing else; one node of a cluster runs it at a time.</summary>
[DisallowConcurrentExecution]
public sealed class ExpireIdempotencyRecordsJob(ISender sender) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sender.Send(new ExpireIdempotencyRecords(), cancellationToken);
}

/// <summary>Sends <see cref="HashMemberData"/>, and nothing else; one node of a cluster runs it at a time.</summary>
[DisallowConcurrentExecution]
public sealed class HashMemberDataJob(ISender sender) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sender.Send(new HashMemberData(), cancellationToken);
}

/// <summary>The retention jobs, each durable with its one cron trigger in the persistent store (written again by every node at start).</summary>
public static class RetentionJobs
{
    public const string Group = "retention";

    /// <summary>Each job's name and its schedule, in words and as a cron expression (UTC).</summary>
    public static readonly IReadOnlyList<(string Name, string Schedule, string Cron)> All =
    [
        (ExpireIdempotencyRecords.Job, "every 15 minutes", "0 0/15 * * * ?"),
        (HashMemberData.Job, "daily at 02:30 UTC", "0 30 2 * * ?"),
    ];

    public static JobKey KeyOf(string name) => new(name, Group);

    public static void AddRetentionJobs(this IQuartzBuilder q)
    {
        Add<ExpireIdempotencyRecordsJob>(q, All[0]);
        Add<HashMemberDataJob>(q, All[1]);
    }

    /// <summary>
    /// Every node writes the trigger again as it starts, from its own clock, so a moment missed while every
    /// node was down is not made up (the next comes at its time); one missed while a node was up but busy
    /// fires once (FireAndProceed), never a burst: each run does all that is due.
    /// </summary>
    private static void Add<TJob>(IQuartzBuilder q, (string Name, string Schedule, string Cron) job) where TJob : IJob
    {
        q.AddJob<TJob>(j => j.WithIdentity(KeyOf(job.Name)).StoreDurably().RequestRecovery());
        q.AddTrigger(t => t.ForJob(KeyOf(job.Name))
            .WithIdentity($"{job.Name}.schedule", Group)
            .WithCronSchedule(job.Cron, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
    }
}
