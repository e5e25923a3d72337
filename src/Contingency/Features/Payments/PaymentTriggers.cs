namespace Contingency.Features.Payments;

using Contingency.Data;
using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Quartz;

/// <summary>
/// One payment-run trigger per program: a cron at the program's payment weekday and time in the
/// program's own zone. A moment missed while the service was down fires once when it is back
/// (FireAndProceed), never as a burst of catch-up runs.
/// </summary>
public sealed class PaymentTriggers(ISchedulerFactory schedulers, TimeProvider clock, ILogger<PaymentTriggers> log)
{
    public const string Group = "payments";

    public static JobKey JobKeyOf(string programId) => new($"payment-run.{programId}", Group);
    public static TriggerKey TriggerKeyOf(string programId) => new($"payment-run.{programId}", Group);

    public static string CronOf(CareProgram program) =>
        $"0 {program.PaymentTime.Minute} {program.PaymentTime.Hour} ? * {program.PaymentWeekday.ToString()[..3].ToUpperInvariant()}";

    /// <summary>Creates the program's trigger, or corrects it if the program's payment moment changed.</summary>
    public async Task EnsureAsync(CareProgram program, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var cron = CronOf(program);
        if (await scheduler.GetTrigger(TriggerKeyOf(program.Id), ct) is ICronTrigger existing
            && existing.CronExpressionString == cron && existing.TimeZone.Id == program.TimeZone)
            return;

        var job = JobBuilder.Create<PaymentRunJob>()
            .WithIdentity(JobKeyOf(program.Id))
            .WithDescription($"Payment run of program {program.Id}")
            .UsingJobData(PaymentRunJob.ProgramIdKey, program.Id)
            .RequestRecovery()
            .StoreDurably()
            .Build();
        var trigger = TriggerBuilder.Create(clock)
            .WithIdentity(TriggerKeyOf(program.Id))
            .ForJob(job.Key)
            .WithCronSchedule(cron, c => c
                .InTimeZone(TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone))
                .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
        await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, ct);
        log.LogInformation("Payment trigger of program {ProgramId} set to '{Cron}' in {TimeZone}", program.Id, cron, program.TimeZone);
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
            await scheduler.TriggerJob(JobKeyOf(programId), new JobDataMap(), ct);
        }
        catch (SchedulerException e)
        {
            log.LogWarning(e, "Could not ask for an immediate payment run of program {ProgramId}", programId);
        }
    }

    /// <summary>At start: every program has its trigger (a crash between saving a program and scheduling it loses nothing).</summary>
    public static async Task SyncAllAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
        var triggers = scope.ServiceProvider.GetRequiredService<PaymentTriggers>();
        foreach (var program in await db.Programs.AsNoTracking().ToListAsync(ct))
            await triggers.EnsureAsync(program, ct);
    }
}
