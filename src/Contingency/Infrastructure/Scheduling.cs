namespace Contingency.Infrastructure;

using Contingency.Features.Payments;
using Quartz;

/// <summary>
/// Quartz, in one place: a persistent ADO job store in the application's own database (its tables
/// come from the provider's migrations), so triggers survive restarts. SQLite runs one node
/// (Quartz refuses to cluster on it); the clustered SQL Server and PostgreSQL stores slot in here.
/// </summary>
public static class Scheduling
{
    public static IServiceCollection AddContingencyScheduler(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = config["Scheduler:Name"] ?? "Contingency");
            q.UsePersistentStore(store =>
            {
                var provider = Database.Provider(config) ?? throw new InvalidOperationException(Database.UnsupportedProvider(config));
                provider.UseJobStore(store, Database.ConnectionString(config, env));
                // Our migrations own the schema; the store only checks that it is there.
                store.ConfigureStore(o => o.SchemaProvisioning = SchemaProvisioning.Validate);
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
