namespace Contingency.Features.Payments;

using Contingency.Data;
using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Quartz;

/// <summary>
/// Each program has one durable payment-run job and, at any time, one trigger armed for its next
/// payment moment. The moment comes from <see cref="Data.Payments.PaymentMoments"/>, the rule that
/// also sets every payment's <c>dueAt</c>, so the run fires at exactly the instant the money falls
/// due, on DST change days too (a cron expression would apply Quartz's own DST rule instead).
/// Every run arms the next moment (<see cref="RunPaymentsHandler"/>); a moment missed while the
/// service was down is a trigger left in the past, which fires once on start (FireNow) and arms
/// the next one, never a burst of catch-up runs.
/// </summary>
public sealed partial class PaymentTriggers(ISchedulerFactory schedulers, TimeProvider clock, ILogger<PaymentTriggers> log)
{
    public const string Group = "payments";

    public static JobKey JobKeyOf(string programId) => new($"payment-run.{programId}", Group);

    /// <summary>One key per moment, so arming the next moment never collides with the trigger that is firing now.</summary>
    public static TriggerKey TriggerKeyOf(string programId, DateTimeOffset moment) =>
        new($"payment-run.{programId}.{moment.UtcDateTime:yyyyMMddTHHmmZ}", Group);

    /// <summary>The program's armed trigger: the earliest of its moment triggers still to fire.</summary>
    public static async Task<ITrigger?> ArmedAsync(IScheduler scheduler, string programId, CancellationToken ct) =>
        (await scheduler.GetTriggersOfJob(JobKeyOf(programId), ct))
            .Where(t => t.Key.Group == Group && t.NextFireTimeUtc is not null)
            .MinBy(t => t.NextFireTimeUtc);

    /// <summary>
    /// Makes sure the program's job exists and a trigger is armed at its next payment moment after
    /// now, unless one is armed already at or before that (a missed moment still waiting to fire).
    /// Safe to call from several places at once: the trigger's key is its moment.
    /// </summary>
    public async Task ArmAsync(CareProgram program, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var job = JobKeyOf(program.Id);
        if (!await scheduler.Exists(job, ct))
            await scheduler.AddJob(JobBuilder.Create<PaymentRunJob>()
                .WithIdentity(job)
                .WithDescription($"Payment run of program {program.Id}")
                .UsingJobData(PaymentRunJob.ProgramIdKey, program.Id)
                .RequestRecovery()
                .StoreDurably()
                .Build(), AddJobOptions.Replacing, ct);

        var next = program.PaymentMoments.Next(clock.GetUtcNow());
        if (await ArmedAsync(scheduler, program.Id, ct) is { } armed && armed.NextFireTimeUtc <= next) return;

        var trigger = TriggerBuilder.Create(clock)
            .WithIdentity(TriggerKeyOf(program.Id, next))
            .ForJob(job)
            .StartAt(next)
            .WithSimpleSchedule(s => s.WithRepeatCount(0).WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        try
        {
            await scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), ct);
            Armed(log, program.Id, program.Zone.ToLocal(next));
        }
        catch (ObjectAlreadyExistsException)
        {
            // Another request armed the same moment first.
        }
    }

    /// <summary>
    /// Asks for a run as soon as the scheduler can, for payments that are due at once. Best effort:
    /// what is due stays due, and the program's next run (or the run on start) releases it anyway.
    /// </summary>
    public async Task RunSoonAsync(string programId, CancellationToken ct)
    {
        try
        {
            var scheduler = await schedulers.GetScheduler(ct);
            var job = JobKeyOf(programId);
            // A run already waiting to fire (asked for by an earlier write, or a missed moment) starts
            // after this write committed and releases what it made due: one waiting run is enough. Without
            // this, a burst of writes with the scheduler stopped (seed-demo) queued a run per write.
            var now = clock.GetUtcNow();
            if ((await scheduler.GetTriggersOfJob(job, ct)).Any(t => t.NextFireTimeUtc is { } at && at <= now)) return;
            await scheduler.TriggerJob(job, new JobDataMap(), ct);
        }
        catch (SchedulerException e)
        {
            RunNotRequested(log, e, programId);
        }
    }

    /// <summary>
    /// After a write has committed: arm the program's trigger and, when something fell due at once,
    /// ask for a run. Never fails the request that saved the data (answering 500 would invite a
    /// retry that writes twice); a trigger that could not be armed is armed at the next start.
    /// Callers pass CancellationToken.None: a client that went away after the commit must not stop it.
    /// </summary>
    public async Task AfterCommitAsync(CareProgram program, bool somethingDueNow, CancellationToken ct)
    {
        try
        {
            await ArmAsync(program, ct);
        }
        catch (SchedulerException e)
        {
            NotArmed(log, e, program.Id);
        }
        if (somethingDueNow) await RunSoonAsync(program.Id, ct);
    }

    /// <summary>
    /// A closed program owes nothing more (it closes only once every payment is released): its
    /// payment-run job and triggers go. Best effort, as arming is: a job left behind (or armed again by
    /// a run that finished as the program closed) is removed by its own run, which the closed program
    /// refuses, and by the next start.
    /// </summary>
    public async Task RetireAsync(string programId, CancellationToken ct)
    {
        try
        {
            var scheduler = await schedulers.GetScheduler(ct);
            if (await scheduler.DeleteJob(JobKeyOf(programId), ct)) Retired(log, programId);
        }
        catch (SchedulerException e)
        {
            NotRetired(log, e, programId);
        }
    }

    /// <summary>
    /// At start: every open program has its job and its next moment armed, and a program with payments
    /// already due and no missed trigger waiting to fire (a crash between saving and arming, or a
    /// store from before moment triggers) gets its run now.
    /// </summary>
    public static async Task SyncAllAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
        var triggers = scope.ServiceProvider.GetRequiredService<PaymentTriggers>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var scheduler = await scope.ServiceProvider.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);

        // Cron triggers (the store's format before payment moments had one rule) give way to moment triggers.
        foreach (var key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(Group), ct))
            if (await scheduler.GetTrigger(key, ct) is ICronTrigger)
                await scheduler.UnscheduleJob(key, ct);

        var now = clock.GetUtcNow();
        foreach (var program in await db.Programs.AsNoTracking().ToListAsync(ct))
        {
            if (program.ClosedAt is not null)
            {
                await triggers.RetireAsync(program.Id, ct);
                continue;
            }
            await triggers.ArmAsync(program, ct);
            var missedWillFire = await ArmedAsync(scheduler, program.Id, ct) is { } armed && armed.NextFireTimeUtc <= now;
            if (!missedWillFire && await db.Payments.AnyAsync(p => p.ProgramId == program.Id && p.Status == Payment.Scheduled && p.DueAt <= now, ct))
                await triggers.RunSoonAsync(program.Id, ct);
        }
    }

    [LoggerMessage(LogLevel.Information, "Payment run of program {ProgramId} armed for {Moment}")]
    private static partial void Armed(ILogger logger, string programId, DateTimeOffset moment);

    [LoggerMessage(LogLevel.Information, "Payment run of closed program {ProgramId} removed")]
    private static partial void Retired(ILogger logger, string programId);

    [LoggerMessage(LogLevel.Warning, "Program {ProgramId} is closed but its payment run could not be removed; the next start removes it")]
    private static partial void NotRetired(ILogger logger, Exception exception, string programId);

    [LoggerMessage(LogLevel.Warning, "Could not ask for an immediate payment run of program {ProgramId}")]
    private static partial void RunNotRequested(ILogger logger, Exception exception, string programId);

    [LoggerMessage(LogLevel.Error, "Program {ProgramId} saved but its payment trigger was not armed; it is armed at the next start")]
    private static partial void NotArmed(ILogger logger, Exception exception, string programId);
}
