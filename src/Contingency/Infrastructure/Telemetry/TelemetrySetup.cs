namespace Contingency.Infrastructure.Telemetry;

using Contingency.Infrastructure.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Quartz.Diagnostics;

/// <summary>
/// OpenTelemetry for the service: a span for every request, Mediator message and Quartz job, the
/// metrics of <see cref="ContingencyMetrics"/> with ASP.NET Core's, HttpClient's, the runtime's,
/// Quartz's and Npgsql's, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set and served
/// as Prometheus text on <c>/metrics</c> when <c>Telemetry:Prometheus</c> is true. Logs stay on the
/// console (JSON with <c>Logging:Console:FormatterName=json</c>), with the trace and span ids.
/// </summary>
public static partial class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static bool Enabled(IConfiguration config) => config.GetValue("Telemetry:Enabled", true);

    public static bool Prometheus(IConfiguration config) => Enabled(config) && config.GetValue("Telemetry:Prometheus", false);

    /// <summary>The management port (<c>Telemetry:ManagementPort</c>): there <c>/metrics</c> and <c>/health</c> answer anyone, and nothing else answers.</summary>
    public static int? ManagementPort(IConfiguration config) => config.GetValue<int?>("Telemetry:ManagementPort");

    /// <summary>Why the telemetry settings cannot be used, in one line; null when they can.</summary>
    public static string? ConfigurationProblem(IConfiguration config)
    {
        foreach (var key in (string[])["Telemetry:Enabled", "Telemetry:Prometheus", "Telemetry:PrometheusAnonymous", "Telemetry:DatabaseSpans"])
            if (config[key] is { Length: > 0 } value && !bool.TryParse(value, out _))
                return $"{key} must be true or false.";
        foreach (var (key, least) in (ReadOnlySpan<(string, double)>)[("Telemetry:ReadinessDelaySeconds", 0), ("Telemetry:ReadinessPeriodSeconds", 1)])
            if (config[key] is { Length: > 0 } value
                && (!double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds < least || seconds > 3600))
                return $"{key} must be a number of seconds from {least} to 3600.";
        if (config["Telemetry:ManagementPort"] is { Length: > 0 } port && (!int.TryParse(port, out var p) || p is < 1 or > 65535))
            return "Telemetry:ManagementPort must be a port number (1 to 65535).";
        // An unknown name would quietly fall back to plain text, which a collector expecting JSON cannot read.
        if (config["Logging:Console:FormatterName"] is { Length: > 0 } formatter && formatter.ToLowerInvariant() is not ("simple" or "json" or "systemd"))
            return $"Logging:Console:FormatterName must be simple, json or systemd; '{formatter}' is none of them.";
        if (config["Telemetry:TraceSampleRatio"] is { Length: > 0 } ratio
            && (!double.TryParse(ratio, System.Globalization.CultureInfo.InvariantCulture, out var r) || r is < 0 or > 1))
            return "Telemetry:TraceSampleRatio must be a number from 0 to 1.";
        return null;
    }

    public static IHostApplicationBuilder AddContingencyTelemetry(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;
        // The instruments exist either way, so the code that records needs no switch; unobserved, they cost nothing.
        services.AddSingleton<ContingencyMetrics>();
        services.AddSingleton<OperationsGauges>();
        services.AddSingleton<ReadinessGauge>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, DatabaseErrorCounter>();
        // JSON lines carry a UTC time stamp unless the configuration names a format of its own, and the ids of their trace.
        services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            // The trace and span ids travel in the scopes: on unless the configuration says otherwise.
            if (config["Logging:Console:FormatterOptions:IncludeScopes"] is null) o.IncludeScopes = true;
            if (config["Logging:Console:FormatterOptions:UseUtcTimestamp"] is null) o.UseUtcTimestamp = true;
            o.TimestampFormat ??= o.UseUtcTimestamp ? "yyyy-MM-ddTHH:mm:ss.fffZ" : "yyyy-MM-ddTHH:mm:ss.fffzzz";
        });
        if (!Enabled(config)) return builder;

        // The readings behind the gauges: the database's (every 15 s) and the readiness checks' (every Telemetry:ReadinessPeriodSeconds).
        services.AddHostedService<GaugeReader>();
        services.AddSingleton<IHealthCheckPublisher>(sp => sp.GetRequiredService<ReadinessGauge>());
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Predicate = c => c.Tags.Contains(Features.Operations.HealthEndpoints.Ready);
            o.Delay = TimeSpan.FromSeconds(config.GetValue("Telemetry:ReadinessDelaySeconds", 5.0));
            o.Period = TimeSpan.FromSeconds(config.GetValue("Telemetry:ReadinessPeriodSeconds", 15.0));
        });

        var ratio = config.GetValue("Telemetry:TraceSampleRatio", 1.0);
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r
                .AddService(serviceName: "contingency", serviceVersion: Instrumentation.Version, autoGenerateServiceInstanceId: false,
                    // The node: the id it has in the scheduler's cluster when the platform names it (a pod's name), else the
                    // machine and the process (two processes on one machine are two instances, and a restart is a new one).
                    serviceInstanceId: config["Scheduler:InstanceId"] is { Length: > 0 } id ? id : $"{Environment.MachineName}-{Environment.ProcessId}")
                .AddAttributes([new("deployment.environment.name", builder.Environment.EnvironmentName)]))
            .WithTracing(t => t
                // First, so every exporter added after it sees the spans as it leaves them.
                .AddProcessor(new NoStatusTexts())
                .AddSource(Instrumentation.Name)
                .AddSource(QuartzInstrumentation.ActivitySourceName)
                .SetSampler(new ParentBasedSampler(new NoStorePolls(ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio))))
                // Probes and scrapes every few seconds would bury the requests people make.
                .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    !http.Request.Path.StartsWithSegments(MetricsPath) && !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m
                .AddMeter(Instrumentation.Name)
                .AddMeter(QuartzInstrumentation.MeterName)
                .AddMeter("Npgsql")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddView(Quartz)
                .AddView(Npgsql));
        if (config.GetValue("Telemetry:DatabaseSpans", true))
            // Statements with their placeholders, never their values. Npgsql's own spans are not added: they would repeat these.
            otel.WithTracing(t => t.AddEntityFrameworkCoreInstrumentation());
        if (Prometheus(config))
            // No cache: two scrapes in a row see what happened in between.
            otel.WithMetrics(m => m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        // Set, traces and metrics go to the collector (the OTEL_EXPORTER_OTLP_* variables say how). Logs do not:
        // they go to the console, which the platform collects (the OTLP log exporter reads redacted values
        // after the call, when the redactor has already been recycled).
        // The per-signal variables alone turn on their own signal's export.
        var everything = !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (everything || !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]))
            otel.WithTracing(t => t.AddOtlpExporter());
        if (everything || !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]))
            otel.WithMetrics(m => m.AddOtlpExporter());
        return builder;
    }

    /// <summary>
    /// On the management port: <c>/metrics</c> and <c>/health</c>, nothing else (404). Before
    /// authentication, so a request there never reaches the API.
    /// </summary>
    public static IApplicationBuilder UseManagementPort(this WebApplication app)
    {
        if (ManagementPort(app.Configuration) is not { } port) return app;
        // The port is one of the server's addresses (ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS), not one
        // the service opens by itself: a port missing there would leave Prometheus scraping nothing.
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TelemetrySetup));
            if (addresses.Count > 0 && !addresses.Any(a => BindingAddress.Parse(a).Port == port))
                ManagementPortNotListened(logger, port, string.Join(", ", addresses));
            else if (addresses.Count > 0 && addresses.All(a => BindingAddress.Parse(a).Port == port))
            {
                // Every address is the management port: the API would answer 404 everywhere and /metrics to anyone.
                ManagementPortIsTheOnlyPort(logger, port);
                Environment.ExitCode = 2;
                app.Lifetime.StopApplication();
            }
        });
        return app.Use(async (http, next) =>
        {
            if (http.Connection.LocalPort == port
                && !http.Request.Path.StartsWithSegments(MetricsPath) && !http.Request.Path.StartsWithSegments("/health"))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(http);
        });
    }

    /// <summary>
    /// <c>/metrics</c> when <c>Telemetry:Prometheus</c> is true: the admin role, or anyone on the
    /// management port, or anyone at all when <c>Telemetry:PrometheusAnonymous</c> is true (a network
    /// that only the scraper reaches). The port is the connection's own, not the Host header's.
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        var config = app.ServiceProvider.GetRequiredService<IConfiguration>();
        if (!Prometheus(config)) return app;
        var port = ManagementPort(config);
        var anonymous = config.GetValue("Telemetry:PrometheusAnonymous", false);
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .WithMetadata(new AllowedRoles([Roles.Admin], OwnProvider: false))
            .RequireAuthorization(policy => policy.RequireAssertion(context =>
                anonymous
                || (port is { } p && context.Resource is HttpContext http && http.Connection.LocalPort == p)
                || context.User.IsInRole(Roles.Admin)))
            .ExcludeFromDescription();
        return app;
    }

    [LoggerMessage(LogLevel.Warning,
        "Telemetry:ManagementPort is {Port}, but the service listens on {Addresses} only; add the port to ASPNETCORE_HTTP_PORTS or ASPNETCORE_URLS")]
    private static partial void ManagementPortNotListened(ILogger logger, int port, string addresses);

    [LoggerMessage(LogLevel.Critical,
        "Telemetry:ManagementPort is {Port}, the only port the service listens on: it serves /metrics and /health only there, so the API would answer nothing; stopping")]
    private static partial void ManagementPortIsTheOnlyPort(ILogger logger, int port);

    private static readonly string[] QuartzTags =
        ["quartz.scheduler.name", "quartz.job.group", "quartz.job.name", "quartz.trigger.group", "quartz.job.result", "error.type"];

    private static readonly double[] QuartzSeconds = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

    /// <summary>
    /// Quartz tags its metrics with the trigger's name, which is new for every payment moment and every run
    /// asked for: a series each, forever. Kept: the tags that say which job and how it went. Its durations
    /// are seconds, so their buckets are too (the SDK's default buckets suit milliseconds).
    /// </summary>
    private static MetricStreamConfiguration? Quartz(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.Meter.Name != QuartzInstrumentation.MeterName ? null
        : instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(System.Diagnostics.Metrics.Histogram<>)
            ? new ExplicitBucketHistogramConfiguration { TagKeys = QuartzTags, Boundaries = QuartzSeconds }
            : new MetricStreamConfiguration { TagKeys = QuartzTags };

    /// <summary>
    /// Npgsql names its connection pool by the connection string (without the password): host, port,
    /// user and database on every series. Kept: the connection's state and the error's type.
    /// </summary>
    private static MetricStreamConfiguration? Npgsql(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.Meter.Name == "Npgsql" ? new MetricStreamConfiguration { TagKeys = ["db.client.connection.state", "error.type"] } : null;

    /// <summary>
    /// Keeps a failed span's error status and drops its status text: instrumentations put the
    /// exception's message there (EF Core's is the database's, which can quote the values of a row).
    /// </summary>
    private sealed class NoStatusTexts : BaseProcessor<System.Diagnostics.Activity>
    {
        public override void OnEnd(System.Diagnostics.Activity activity)
        {
            if (activity.StatusDescription is not null) activity.SetStatus(activity.Status);
        }
    }

    /// <summary>
    /// Where nothing started a trace: the job store's own spans are dropped (each node polls the store
    /// every few seconds), a job's execution is always kept (a payment run is never sampled away), and
    /// the rest is sampled at <c>Telemetry:TraceSampleRatio</c>.
    /// </summary>
    private sealed class NoStorePolls(Sampler inner) : Sampler
    {
        private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
        private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);

        public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
            parameters.Name.StartsWith("Quartz.JobStore.", StringComparison.Ordinal) ? Drop
            : parameters.Name == "Quartz.Job.Execute" ? Keep
            : inner.ShouldSample(parameters);
    }
}
