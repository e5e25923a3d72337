namespace Contingency.Features.Payments;

using Contingency.Data;
using Contingency.Data.Calendar;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Quartz;

public sealed record JobView(string Job, string Trigger, DateTimeOffset? NextFireAt, DateTimeOffset? PreviousFireAt, string State);

public sealed record ListJobs : IQuery<IReadOnlyList<JobView>>;

/// <summary>The scheduler's payment jobs, with times shown in each program's zone.</summary>
public sealed class ListJobsHandler(ContingencyDb db, ISchedulerFactory schedulers) : IQueryHandler<ListJobs, IReadOnlyList<JobView>>
{
    public async ValueTask<IReadOnlyList<JobView>> Handle(ListJobs query, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var programs = await db.Programs.AsNoTracking().OrderBy(p => p.StartsOn).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.TimeZone }).ToListAsync(ct);
        var jobs = new List<JobView>();
        foreach (var program in programs)
        {
            var key = PaymentTriggers.TriggerKeyOf(program.Id);
            if (await scheduler.GetTrigger(key, ct) is not { } trigger) continue;
            var zone = ProgramZone.Find(program.TimeZone);
            var state = await scheduler.GetTriggerState(key, ct);
            jobs.Add(new JobView(trigger.JobKey.ToString(), key.ToString(),
                trigger.NextFireTimeUtc is { } next ? zone.ToLocal(next) : null,
                trigger.PreviousFireTimeUtc is { } previous ? zone.ToLocal(previous) : null,
                state.ToString().ToLowerInvariant()));
        }
        return jobs;
    }
}
