namespace Contingency.Tests.Telemetry;

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.Telemetry;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// <c>/metrics</c>: who may read it, on which port, and that what it serves is Prometheus text a
/// scraper accepts and carries every series the alerts and the dashboard of deploy/observability read.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed partial class MetricsEndpointTests
{
    private const int ManagementPort = 9464;
    private static readonly DateTimeOffset FirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00");

    private static ContingencyApp WithPrometheus(params (string Key, string Value)[] settings)
    {
        var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["Telemetry:Prometheus"] = "true";
        foreach (var (key, value) in settings) app.Settings[key] = value;
        return app;
    }

    /// <summary>A request as it arrives on a given local port (the test server has none of its own).</summary>
    private static async Task<(int Status, string Body)> OnPort(ContingencyApp app, int port, string path, string? token = null)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = path;
            c.Connection.LocalPort = port;
            if (token is not null) c.Request.Headers.Authorization = $"Bearer {token}";
        });
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    private static HttpRequestMessage Get(string path, string? token = null, string? host = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (host is not null) request.Headers.Host = host;
        return request;
    }

    [Fact]
    public async Task On_the_api_port_metrics_need_the_admin_role_whatever_the_host_header_says()
    {
        await using var app = WithPrometheus(("Telemetry:ManagementPort", $"{ManagementPort}"));
        var http = app.ClientWith(null);

        var anonymous = await http.SendAsync(Get("/metrics"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("unauthenticated", JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Get("/metrics", host: $"localhost:{ManagementPort}"))).StatusCode);
        foreach (var role in Roles.All.Where(r => r is not (Roles.Admin or Roles.Provider)))
            Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Get("/metrics", app.Token($"test-{role}", [role])))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Get("/metrics", app.Token("provider:p1", [Roles.Provider], "p1")))).StatusCode);

        var admin = await http.SendAsync(Get("/metrics", app.Token(ContingencyApp.AdminSubject, [Roles.Admin])));
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", admin.Content.Headers.ContentType?.ToString());
        // Every payment-run outcome has its series from the start.
        Assert.Contains("contingency_payment_runs_total{", await admin.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task On_the_management_port_metrics_and_health_answer_anyone_and_nothing_else_answers()
    {
        await using var app = WithPrometheus(("Telemetry:ManagementPort", $"{ManagementPort}"));
        var admin = app.Token(ContingencyApp.AdminSubject, [Roles.Admin]);

        var (status, body) = await OnPort(app, ManagementPort, "/metrics");
        Assert.Equal(200, status);
        Assert.NotEmpty(PrometheusText.Parse(body));
        Assert.Equal(200, (await OnPort(app, ManagementPort, "/health/live")).Status);
        foreach (var path in (string[])["/api/programs", "/openapi/v1.json", "/fhir/metadata", "/", "/calendar/feed.ics"])
            Assert.Equal(404, (await OnPort(app, ManagementPort, path, admin)).Status);
        // The API's own port is unchanged.
        Assert.Equal(200, (await OnPort(app, 80, "/api/programs", admin)).Status);
        Assert.Equal(401, (await OnPort(app, 80, "/metrics")).Status);
    }

    [Fact]
    public async Task Metrics_answer_anyone_only_when_configured_so_and_are_not_served_unless_asked_for()
    {
        await using (var open = WithPrometheus(("Telemetry:PrometheusAnonymous", "true")))
            Assert.Equal(HttpStatusCode.OK, (await open.ClientWith(null).SendAsync(Get("/metrics"))).StatusCode);

        await using (var off = new ContingencyApp { SchedulerRuns = false })
            Assert.Equal(HttpStatusCode.NotFound, (await off.CreateClient().SendAsync(Get("/metrics"))).StatusCode);

        // Telemetry:Enabled=false turns the whole of OpenTelemetry off, Prometheus with it.
        await using var disabled = WithPrometheus(("Telemetry:Enabled", "false"));
        Assert.Equal(HttpStatusCode.NotFound, (await disabled.CreateClient().SendAsync(Get("/metrics"))).StatusCode);
        Assert.Null(disabled.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }

    [Theory]
    [InlineData("Telemetry:Prometheus", "yes", "Telemetry:Prometheus must be true or false.")]
    [InlineData("Telemetry:Enabled", "1", "Telemetry:Enabled must be true or false.")]
    [InlineData("Telemetry:ManagementPort", "70000", "Telemetry:ManagementPort must be a port number (1 to 65535).")]
    [InlineData("Telemetry:ManagementPort", "metrics", "Telemetry:ManagementPort must be a port number (1 to 65535).")]
    [InlineData("Logging:Console:FormatterName", "logfmt", "Logging:Console:FormatterName must be simple, json or systemd; 'logfmt' is none of them.")]
    [InlineData("Telemetry:TraceSampleRatio", "2", "Telemetry:TraceSampleRatio must be a number from 0 to 1.")]
    public void A_telemetry_setting_that_cannot_be_used_is_named_at_start(string key, string value, string problem)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        Assert.Equal(problem, TelemetrySetup.ConfigurationProblem(config));
    }

    [Fact]
    public async Task The_scrape_is_prometheus_text_that_carries_every_series_the_alerts_and_the_dashboard_read()
    {
        // Down over the first payment moment, then back: the missed trigger misfires, fires and pays; then
        // a booking, a refusal and a database error. Every kind of series is then in the scrape.
        var path = TempDatabase.NewPath();
        string providerId;
        await using (var before = ContingencyApp.Over(path))
        {
            before.SchedulerRuns = false;
            (_, providerId, _) = await before.Api().Scenario();
        }
        await using var app = ContingencyApp.Over(path, new FakeTimeProvider(FirstPaymentMoment.AddHours(2)));
        app.Settings["Telemetry:Prometheus"] = "true";
        app.Settings["Telemetry:ReadinessDelaySeconds"] = "0";
        app.Settings["Telemetry:ReadinessPeriodSeconds"] = "1";
        var api = app.Api();
        var body = Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: "M-SCRAPE-1");
        await api.Book(body);
        (await api.Post("/api/appointments", body)).ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        await using (var scope = app.Services.CreateAsyncScope())
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
                scope.ServiceProvider.GetRequiredService<Contingency.Data.ContingencyDb>().Database.ExecuteSqlRawAsync("SELECT * FROM no_such_table"));

        // A reading of the gauges now, rather than counting on the one at start (the next is 15 s away on the test's clock).
        await app.Services.GetServices<IHostedService>().OfType<GaugeReader>().Single().ReadAsync(CancellationToken.None);
        string text = "";
        IReadOnlyDictionary<string, PrometheusText.Family> families = new Dictionary<string, PrometheusText.Family>();
        Assert.True(await Eventually.True(async () =>
        {
            text = await api.Http.GetStringAsync("/metrics");
            families = PrometheusText.Parse(text);
            return families.TryGetValue("contingency_payment_run_duration_seconds", out var runs)
                   && runs.Samples.Any(s => s.Labels.GetValueOrDefault("contingency_payment_run_outcome") == "released")
                   && families.ContainsKey("contingency_health_ready");
        }), text);

        Assert.Equal("counter", families["contingency_bookings_total"].Type);
        Assert.Equal("histogram", families["contingency_payment_run_duration_seconds"].Type);
        Assert.Equal("gauge", families["contingency_scheduler_lag_seconds"].Type);
        Assert.Contains(families["contingency_bookings_total"].Samples, s => s.Labels["contingency_booking_outcome"] == "slot-taken" && s.Value == 1);
        Assert.Contains(families["target_info"].Samples, s => s.Labels["service_name"] == "contingency");
        Assert.DoesNotContain("M-SCRAPE-1", text);

        // Prometheus's own checker agrees; its lint notes may only concern the runtime's metrics.
        var (exit, output) = await Promtool(text, "check", "metrics");
        Assert.True(exit == 0 || (exit == 3 && output.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(l => !l.StartsWith("contingency_", StringComparison.Ordinal))),
            $"promtool check metrics exited {exit}:\n{output}");

        var samples = families.Values.SelectMany(f => f.Samples).GroupBy(s => s.Name)
            .ToDictionary(g => g.Key, g => g.SelectMany(s => s.Labels.Keys).ToHashSet());
        foreach (var (where, expr) in Queries())
        {
            var (metrics, labels) = Referenced(expr);
            Assert.NotEmpty(metrics);
            // up is Prometheus's own series about a scrape; instance and job are the labels it adds.
            foreach (var metric in metrics.Where(m => m != "up"))
                Assert.True(samples.ContainsKey(metric), $"{where}: {metric} is not served ({expr})");
            var served = metrics.Where(samples.ContainsKey).SelectMany(m => samples[m]).Append("instance").Append("job").ToHashSet();
            foreach (var label in labels)
                Assert.True(served.Contains(label), $"{where}: no series of {string.Join(", ", metrics)} has the label {label} ({expr})");
        }
    }

    [Fact]
    public async Task The_alerting_rules_and_the_scrape_configuration_pass_prometheus_own_checks_and_tests()
    {
        var (exit, output) = await Promtool(null, "check", "config", Path.Combine(Observability, "prometheus.yml"));
        Assert.True(exit == 0, output);
        // Debian's promtool is built without Kubernetes discovery, so the Kubernetes configuration is held to
        // what the alerts need of it: the job's name, and the rules loaded.
        foreach (var file in (string[])["prometheus.yml", "prometheus-kubernetes.yml"])
        {
            var prometheus = Yaml(Path.Combine(Observability, file));
            Assert.Equal("contingency", Assert.Single(prometheus.GetProperty("scrape_configs").EnumerateArray()).GetProperty("job_name").GetString());
            Assert.Equal("alerts.yml", Assert.Single(prometheus.GetProperty("rule_files").EnumerateArray()).GetString());
        }
        (exit, output) = await Promtool(null, "test", "rules", Path.Combine(Observability, "alerts.test.yml"));
        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output);

        // Every alert is tested, and every alert has what the README promises: a severity, a summary, a runbook.
        var alerts = Yaml(Path.Combine(Observability, "alerts.yml")).GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
        var tests = File.ReadAllText(Path.Combine(Observability, "alerts.test.yml"));
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        foreach (var alert in alerts)
        {
            var name = alert.GetProperty("alert").GetString()!;
            Assert.Contains($"alertname: {name}\n        exp_alerts:\n          - exp_labels", tests.ReplaceLineEndings("\n"));
            Assert.True(alert.GetProperty("labels").TryGetProperty("severity", out _), name);
            Assert.True(alert.GetProperty("annotations").TryGetProperty("summary", out _), name);
            Assert.True(alert.GetProperty("annotations").TryGetProperty("runbook", out _), name);
            Assert.Contains($"`{name}`", readme);
        }
    }

    private static readonly string Root = RepositoryFiles.Root;
    private static readonly string Observability = Path.Combine(Root, "deploy", "observability");

    private static JsonElement Yaml(string path) => RepositoryFiles.Yaml(path);

    /// <summary>Every PromQL expression of the alerting rules and of the dashboard's panels, with where it is.</summary>
    private static IEnumerable<(string Where, string Expr)> Queries()
    {
        foreach (var group in Yaml(Path.Combine(Observability, "alerts.yml")).GetProperty("groups").EnumerateArray())
            foreach (var rule in group.GetProperty("rules").EnumerateArray())
                yield return ($"alert {rule.GetProperty("alert").GetString()}", rule.GetProperty("expr").GetString()!);
        var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Observability, "dashboard.json"))).RootElement;
        var count = 0;
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray().Where(p => p.TryGetProperty("targets", out _)))
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                count++;
                yield return ($"panel '{panel.GetProperty("title").GetString()}'", target.GetProperty("expr").GetString()!);
            }
        Assert.True(count >= 10, "the dashboard has its panels' queries");
    }

    private static readonly HashSet<string> PromQlWords =
    [
        "sum", "max", "min", "avg", "count", "rate", "increase", "histogram_quantile", "topk", "vector", "absent", "and", "or", "unless", "bool", "offset",
    ];

    /// <summary>The metric names and the label names a PromQL expression reads.</summary>
    private static (HashSet<string> Metrics, HashSet<string> Labels) Referenced(string expr)
    {
        var labels = new HashSet<string>();
        expr = Matchers().Replace(expr, m =>
        {
            foreach (Match label in LabelMatcher().Matches(m.Groups[1].Value)) labels.Add(label.Groups[1].Value);
            return " ";
        });
        expr = Grouping().Replace(expr, m =>
        {
            foreach (var label in m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) labels.Add(label);
            return " ";
        });
        expr = Ranges().Replace(expr, " ");
        var metrics = Identifier().Matches(expr).Select(m => m.Value).Where(w => !PromQlWords.Contains(w)).ToHashSet();
        return (metrics, labels);
    }

    [GeneratedRegex(@"\{([^}]*)\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex LabelMatcher();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"(?<![0-9.])\b[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();

    /// <summary>Prometheus's promtool (Debian's prometheus package; tests/run installs it), with <paramref name="input"/> on its stdin.</summary>
    private static async Task<(int Exit, string Output)> Promtool(string? input, params string[] args)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("promtool", args)
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Observability,
            })!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("promtool is not installed: tests/run installs it (Debian's prometheus package), or apt-get install prometheus.");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (input is not null) await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            await process.WaitForExitAsync();
            return (process.ExitCode, (await output) + (await error));
        }
    }
}
