namespace Contingency.Infrastructure.Telemetry;

using Quartz;

/// <summary>
/// At each fire on this node, how late it was: the fire time minus the time the trigger was
/// scheduled for (after a misfire, still the original moment), as <see cref="ContingencyMetrics.SchedulerFireLag"/>.
/// The gauge <see cref="ContingencyMetrics.SchedulerLag"/> covers what has not fired yet. Each firing is
/// also logged at Debug, with the moment it serves: which node ran which moment, when a cluster is in question.
/// </summary>
public sealed partial class FireLagListener(ContingencyMetrics metrics, ILogger<FireLagListener> log) : IJobListener
{
    public string Name => nameof(FireLagListener);

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        if (context.ScheduledFireTimeUtc is { } scheduled)
        {
            metrics.Fired(context.FireTimeUtc - scheduled, context.JobDetail.Key.Group);
            Firing(log, context.JobDetail.Key.ToString(), scheduled.UtcDateTime, context.Recovering);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    [LoggerMessage(LogLevel.Debug, "Job {Job} fires for {Moment:O} (recovering: {Recovering})")]
    private static partial void Firing(ILogger logger, string job, DateTime moment, bool recovering);
}
