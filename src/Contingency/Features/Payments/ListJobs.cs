namespace Contingency.Features.Payments;

using Contingency.Data;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Quartz;

public sealed record JobView(string Job, string Trigger, DateTimeOffset? NextFireAt, DateTimeOffset? PreviousFireAt, string State);

public sealed record ListJobs : IQuery<IReadOnlyList<JobView>>;

/// <summary>
/// The scheduler's payment jobs, with times shown in each program's zone: the armed trigger's next
/// firing, and the program's payment moment before it (the one the last scheduled run served).
/// </summary>
public sealed class ListJobsHandler(ContingencyDb db, ISchedulerFactory schedulers) : IQueryHandler<ListJobs, IReadOnlyList<JobView>>
{
    public async ValueTask<IReadOnlyList<JobView>> Handle(ListJobs query, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var programs = await db.Programs.AsNoTracking().OrderBy(p => p.StartsOn).ThenBy(p => p.Id).ToListAsync(ct);
        var jobs = new List<JobView>();
        foreach (var program in programs)
        {
            if (await PaymentTriggers.ArmedAsync(scheduler, program.Id, ct) is not { NextFireTimeUtc: { } next } trigger) continue;
            var zone = program.Zone;
            var moments = program.PaymentMoments;
            var previous = moments.On(zone.LocalDateOf(next).AddDays(-7));
            var state = await scheduler.GetTriggerState(trigger.Key, ct);
            jobs.Add(new JobView(trigger.JobKey.ToString(), trigger.Key.ToString(), zone.ToLocal(next),
                previous >= program.CreatedAt ? zone.ToLocal(previous) : null,
                state.ToString().ToLowerInvariant()));
        }
        return jobs;
    }
}
