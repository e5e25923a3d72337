namespace Contingency.Infrastructure;

using System.Data.Common;
using Contingency.Data;
using Contingency.Data.Scheduling;
using Contingency.Features.Payments;
using Contingency.Features.Retention;
using Microsoft.EntityFrameworkCore;
using Quartz;

/// <summary>
/// Quartz, in one place: a persistent ADO job store in the application's own database (its tables
/// come from the provider's migrations), so triggers survive restarts. With <c>Scheduler:Clustered</c>
/// every node sharing the database (and <c>Scheduler:Name</c>) takes part in one cluster: any node
/// fires a trigger, exactly one does, and a dead node's work is taken over. SQLite runs one node and
/// refuses the setting.
/// </summary>
public static class Scheduling
{
    /// <summary>
    /// How often a clustered node records in the database that it is alive. With the threshold below, a
    /// node that dies right after checking in is written off 5 + 15 = 20 s later, and a live node
    /// notices at its next check-in, at most 5 s after that: what the dead node held fires again
    /// within 25 s (the target is 30). Every node writes one row every 5 s: nothing for the database.
    /// </summary>
    public static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How late a check-in may be before the other nodes treat its node as dead and recover its
    /// triggers. It must outlast the longest pause a live node can take (a garbage collection, a virtual
    /// machine moved, a database failover); a node written off while alive has its running payment run
    /// started again elsewhere, which costs a second attempt and never a second payment (a payment's
    /// release row is unique and the run is idempotent).
    /// </summary>
    public static readonly TimeSpan CheckinMisfireThreshold = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How late a trigger may fire before it counts as misfired (Quartz's default, chosen on purpose):
    /// longer than a failover, so a payment moment held up by a dead node still fires as itself; a
    /// moment missed for longer (the whole service down) fires once, by its FireNow instruction.
    /// </summary>
    public static readonly TimeSpan MisfireThreshold = TimeSpan.FromSeconds(60);

    /// <summary>The trigger groups the service schedules: each has a scheduler-lag series, 0 while none of its triggers waits.</summary>
    public static readonly IReadOnlyList<string> TriggerGroups = [PaymentTriggers.Group, RetentionJobs.Group];

    public static bool Clustered(IConfiguration config) => bool.TryParse(config["Scheduler:Clustered"], out var clustered) && clustered;

    /// <summary>Why the scheduler settings cannot be used with this database, in one line; null when they can.</summary>
    public static string? ConfigurationProblem(IConfiguration config)
    {
        if (config["Scheduler:Clustered"] is { Length: > 0 } value && !bool.TryParse(value, out _))
            return "Scheduler:Clustered must be true or false.";
        if (Clustered(config) && Database.Provider(config) is { SupportsClustering: false } provider)
            return $"Scheduler:Clustered is true, but Database:Provider '{provider.Name}' runs the scheduler on one node only; " +
                   $"cluster on a server database (Database:Provider {string.Join(" or ", Database.Providers.Where(p => p.SupportsClustering).Select(p => $"'{p.Name}'"))}).";
        return null;
    }

    /// <summary>The cluster's name (<c>Scheduler:Name</c>): every node of one service carries the same.</summary>
    public static string Name(IConfiguration config) => config["Scheduler:Name"] is { Length: > 0 } name ? name : "Contingency";

    /// <summary>
    /// Quartz's two lock rows for this scheduler, written before it first needs them. Quartz writes a
    /// missing row itself, but two of its transactions doing so at once make the loser wait a retry
    /// period on the scheduler's clock with its transaction open, and everything else waits behind
    /// it; with the rows in place a lock is a plain row lock from the first. Idempotent: a node that
    /// finds the rows, or loses the race to write them, has nothing to do.
    /// </summary>
    // Quartz names its tables unquoted (PostgreSQL folds them to lower case); the statement is the same on every provider.
    private const string LockRow = $$"""
        INSERT INTO {{QuartzSchema.Prefix}}LOCKS (SCHED_NAME, LOCK_NAME) SELECT {0}, {1}
        WHERE NOT EXISTS (SELECT 1 FROM {{QuartzSchema.Prefix}}LOCKS WHERE SCHED_NAME = {0} AND LOCK_NAME = {1})
        """;

    public static async Task PrepareLockRowsAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
        var name = Name(scope.ServiceProvider.GetRequiredService<IConfiguration>());
        foreach (var lockName in (string[])["TRIGGER_ACCESS", "STATE_ACCESS"])
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync(LockRow, [name, lockName], ct);
            }
            catch (DbException e) when (e.IsUniqueViolation())
            {
                // Another node wrote it first.
            }
        }
    }

    public static IServiceCollection AddContingencyScheduler(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        var clustered = Clustered(config);
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                // The cluster's name: every node of one service must carry the same.
                o.InstanceName = Name(config);
                // A failing job's span would carry the exception's stack trace as an event, and an inner
                // exception's message may quote request data; the span keeps its error status and type.
                o.RecordExceptionSpanEvents = false;
                // Each node its own id, so each knows its own check-ins and firings: Scheduler:InstanceId when
                // the platform names its nodes (a pod's name), else the host name and a time stamp.
                if (clustered && config["Scheduler:InstanceId"] is { Length: > 0 } id) o.InstanceId = id;
                else if (clustered) o.GenerateInstanceId = true;
            });
            q.AddJobListener<Telemetry.FireLagListener>();
            q.UsePersistentStore(store =>
            {
                var provider = Database.Provider(config) ?? throw new InvalidOperationException(Database.UnsupportedProvider(config));
                provider.UseJobStore(store, Database.ConnectionString(config, env));
                store.ConfigureStore(o =>
                {
                    // Our migrations own the schema; the store only checks that it is there.
                    o.SchemaProvisioning = SchemaProvisioning.Validate;
                    o.MisfireThreshold = MisfireThreshold;
                    // In a cluster, a trigger is read and claimed under the store's row lock: two nodes
                    // never pick the same trigger in one round, whatever the batch size.
                    if (clustered) o.AcquireTriggersWithinLock = true;
                    // The row lock itself is left to Quartz on purpose: given no lock handler, a clustered
                    // store builds its select-for-update handler, and on SQL Server (its delegate, from
                    // UseSqlServer) Quartz 4.7 words the select WITH (UPDLOCK,ROWLOCK), the form it
                    // recommends there over its update-the-row handler. The lock rows carry the scheduler's
                    // name, so the migrations cannot write them: each node does at start (PrepareLockRowsAsync).
                });
                if (clustered)
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = CheckinInterval;
                        c.CheckinMisfireThreshold = CheckinMisfireThreshold;
                    });
            });
        });
        services.AddQuartzHostedService(o =>
        {
            // On shutdown a run in flight finishes (it is one transaction either way) before the host stops.
            o.WaitForJobsToComplete = true;
            // A node that should serve the API but fire nothing (maintenance, a read replica) sets this to
            // false; /health/ready then reports the scheduler as not running.
            o.AutoStart = config.GetValue("Scheduler:AutoStart", true);
        });
        services.AddScoped<PaymentTriggers>();
        return services;
    }
}
