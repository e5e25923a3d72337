namespace Contingency.Infrastructure.Telemetry;

using Quartz;

/// <summary>
/// At each fire on this node, how late it was: the fire time minus the time the trigger was
/// scheduled for (after a misfire, still the original moment), as <see cref="ContingencyMetrics.SchedulerFireLag"/>.
/// The gauge <see cref="ContingencyMetrics.SchedulerLag"/> covers what has not fired yet.
/// </summary>
public sealed class FireLagListener(ContingencyMetrics metrics) : IJobListener
{
    public string Name => nameof(FireLagListener);

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        if (context.ScheduledFireTimeUtc is { } scheduled) metrics.Fired(context.FireTimeUtc - scheduled, context.JobDetail.Key.Group);
        return ValueTask.CompletedTask;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;
}
