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

/// <summary>
/// The retention jobs, each durable with its one cron trigger in the persistent store. Written at start
/// by <see cref="SyncAsync"/>, which leaves a stored trigger alone unless its schedule changed.
/// </summary>
public static partial class RetentionJobs
{
    public const string Group = "retention";

    /// <summary>Each job's name and its cron expression (UTC), as the policy sets them.</summary>
    public static IReadOnlyList<(string Name, string Cron)> Of(RetentionPolicy policy) =>
    [
        (ExpireIdempotencyRecords.Job, policy.ExpirySchedule),
        (HashMemberData.Job, policy.MemberDataSchedule),
    ];

    /// <summary>A job's schedule in words: the default's own, or the cron expression.</summary>
    public static string Describe(string name, string cron) => (name, cron == RetentionPolicy.Normalized(DefaultOf(name))) switch
    {
        (ExpireIdempotencyRecords.Job, true) => "every 15 minutes",
        (HashMemberData.Job, true) => "daily at 02:30 UTC",
        _ => $"cron '{cron}' (UTC)",
    };

    private static string DefaultOf(string name) =>
        name == ExpireIdempotencyRecords.Job ? RetentionPolicy.DefaultExpirySchedule : RetentionPolicy.DefaultMemberDataSchedule;

    public static JobKey KeyOf(string name) => new(name, Group);

    public static TriggerKey TriggerKeyOf(string name) => new($"{name}.schedule", Group);

    private static IJobDetail JobOf(string name) => name switch
    {
        ExpireIdempotencyRecords.Job => Durable(JobBuilder.Create<ExpireIdempotencyRecordsJob>(), name),
        HashMemberData.Job => Durable(JobBuilder.Create<HashMemberDataJob>(), name),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a retention job"),
    };

    private static IJobDetail Durable<TJob>(JobBuilder<TJob> builder, string name) where TJob : IJob =>
        builder.WithIdentity(KeyOf(name)).StoreDurably().RequestRecovery().Build();

    /// <summary>
    /// At start, on every node: each job stored, and its trigger written only when it is missing or its
    /// schedule changed. A stored trigger is left as it is, so a node starting just after a moment fired
    /// cannot arm that moment again (rewriting it from the node's own clock did, once per start), and a
    /// moment missed while every node was down fires once when the first comes back (FireAndProceed),
    /// never a burst: each run does all that is due. A changed schedule counts from the start that wrote it.
    /// </summary>
    public static async Task SyncAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var policy = services.GetRequiredService<RetentionPolicy>();
        var clock = services.GetRequiredService<TimeProvider>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RetentionJobs).FullName!);
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
        foreach (var (name, cron) in Of(policy))
        {
            var job = JobOf(name);
            await scheduler.AddJob(job, AddJobOptions.Replacing, ct);

            var key = TriggerKeyOf(name);
            var stored = await scheduler.GetTrigger(key, ct);
            if (stored is ICronTrigger current && current.CronExpressionString == cron && current.TimeZone.HasSameRules(TimeZoneInfo.Utc)
                && current.MisfireInstruction == CronTriggerMisfireInstruction.FireAndProceed && await scheduler.GetTriggerState(key, ct) != TriggerState.Error)
                continue;
            var trigger = TriggerBuilder.Create(clock).WithIdentity(key).ForJob(job.Key)
                .WithCronSchedule(cron, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            try
            {
                // Missing: stored only if no other node stored it meanwhile. Changed (or in error): replaced, in one store operation.
                await scheduler.ScheduleJob(trigger, stored is null ? new ScheduleJobOptions() : ScheduleJobOptions.Replacing, ct);
                Scheduled(log, name, cron);
            }
            catch (ObjectAlreadyExistsException)
            {
                // Another node starting at the same time stored it first, from the same settings.
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Retention job {Job} scheduled on cron '{Cron}' (UTC)")]
    private static partial void Scheduled(ILogger logger, string job, string cron);
}
