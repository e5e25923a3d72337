namespace Contingency.Features.Retention;

using Contingency.Data;
using Contingency.Data.Calendar;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Quartz;

public sealed record RetentionRunView(DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Outcome, int Affected, string Detail);

public sealed record RetentionJobView(string Name, string Schedule, string Cron, DateTimeOffset? NextRunAt, RetentionRunView? LastRun);

/// <summary>A closed program, and when its member references are (or were) replaced by hashes.</summary>
public sealed record ClosedProgramView(string ProgramId, DateTimeOffset ClosedAt, DateTimeOffset? MemberDataHashDueAt, DateTimeOffset? MemberDataHashedAt);

/// <summary>The policy as configured, each retention job's next and last run, and the closed programs' member data.</summary>
public sealed record RetentionView(int IdempotencyHours, int MemberDataDays, IReadOnlyList<RetentionJobView> Jobs, IReadOnlyList<ClosedProgramView> ClosedPrograms);

public sealed record GetRetention : IQuery<RetentionView>;

public sealed class GetRetentionHandler(ContingencyDb db, RetentionPolicy policy, ISchedulerFactory schedulers) : IQueryHandler<GetRetention, RetentionView>
{
    public async ValueTask<RetentionView> Handle(GetRetention query, CancellationToken ct)
    {
        var runs = await db.RetentionRuns.AsNoTracking().ToDictionaryAsync(r => r.Job, ct);
        var scheduler = await schedulers.GetScheduler(ct);
        var jobs = new List<RetentionJobView>();
        foreach (var (name, configured) in RetentionJobs.Of(policy))
        {
            // The schedule the store holds, which every node runs; this node's setting only before it is stored.
            var triggers = await scheduler.GetTriggersOfJob(RetentionJobs.KeyOf(name), ct);
            var next = triggers.Select(t => t.NextFireTimeUtc).Min();
            var cron = triggers.OfType<ICronTrigger>().FirstOrDefault()?.CronExpressionString ?? configured;
            var last = runs.GetValueOrDefault(name) is { } run
                ? new RetentionRunView(run.StartedAt, run.FinishedAt, run.Outcome, run.Affected, run.Detail)
                : null;
            jobs.Add(new RetentionJobView(name, RetentionJobs.Describe(name, cron), cron, next, last));
        }

        var closed = await db.Programs.AsNoTracking().Where(p => p.ClosedAt != null)
            .Select(p => new { p.Id, p.TimeZone, ClosedAt = p.ClosedAt!.Value, p.MemberDataHashedAt })
            .ToListAsync(ct);
        // A program's instants in its own zone, as everywhere else; the jobs' runs in UTC (they belong to no program).
        var programs = closed.OrderBy(p => p.ClosedAt).ThenBy(p => p.Id)
            .Select(p => (Program: p, Zone: ProgramZone.Find(p.TimeZone)))
            .Select(x => new ClosedProgramView(x.Program.Id, x.Zone.ToLocal(x.Program.ClosedAt),
                policy.MemberDataDays == 0 ? null : x.Zone.ToLocal(x.Program.ClosedAt.AddDays(policy.MemberDataDays)),
                x.Program.MemberDataHashedAt is { } hashed ? x.Zone.ToLocal(hashed) : null))
            .ToList();
        return new RetentionView(policy.IdempotencyHours, policy.MemberDataDays, jobs, programs);
    }
}
