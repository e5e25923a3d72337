namespace Contingency.Benchmarks;

using System.Net;

/// <summary>
/// The booking load of <see cref="LoadTest"/> (one node, 32 clients, 33,000 requests after a warm-up)
/// with telemetry off (<c>Telemetry:Enabled=false</c>) and on as an operator would run it: every span
/// sampled and exported over OTLP (http/protobuf, to a sink in this process that reads and drops
/// what it is sent), metrics exported over OTLP too, and /metrics scraped every 5 s. The modes
/// alternate, round after round, so that drift in the machine falls on both; the medians are compared.
/// </summary>
public static class TelemetryOverhead
{
    public static async Task RunAsync(int rounds, IReadOnlyList<string> modes)
    {
        await Seed.EnsureAsync();
        using var sink = new HttpListener();
        var sinkPort = FreePort();
        sink.Prefixes.Add($"http://127.0.0.1:{sinkPort}/");
        sink.Start();
        long exportedBytes = 0, exports = 0;
        var accepting = Task.Run(async () =>
        {
            while (sink.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await sink.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                var buffer = new byte[81920];
                int read;
                while ((read = await context.Request.InputStream.ReadAsync(buffer)) > 0) Interlocked.Add(ref exportedBytes, read);
                Interlocked.Increment(ref exports);
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        var results = modes.ToDictionary(m => m, _ => new List<(double Rps, double CpuMs)>());
        for (var round = 1; round <= rounds; round++)
            foreach (var mode in modes)
            {
                using var scraping = new CancellationTokenSource();
                var scraper = mode == "off" ? Task.CompletedTask : ScrapeAsync(scraping.Token);
                var (rps, cpuMs, cpu) = await LoadTest.MeasureServiceAsync(Settings(mode, sinkPort));
                await scraping.CancelAsync();
                await scraper;
                results[mode].Add((rps, cpuMs));
                Console.WriteLine($"round {round}, telemetry {mode}: {rps:F0} requests/s, {cpuMs:F3} ms of the node's CPU per request; {cpu}");
            }
        sink.Stop();
        await accepting;

        Console.WriteLine($"sink: {exports} OTLP exports, {exportedBytes / 1_000_000.0:F1} MB");
        var off = results.GetValueOrDefault("off");
        foreach (var (mode, runs) in results)
        {
            var rps = Median(runs.Select(r => r.Rps));
            var cpuMs = Median(runs.Select(r => r.CpuMs));
            var against = off is null || mode == "off" ? ""
                : $" ({(rps / Median(off.Select(r => r.Rps)) - 1) * 100:+0.0;-0.0}% requests/s, {(cpuMs / Median(off.Select(r => r.CpuMs)) - 1) * 100:+0.0;-0.0}% CPU per request against off)";
            Console.WriteLine($"median, telemetry {mode}: {rps:F0} requests/s, {cpuMs:F3} ms CPU per request{against}");
        }
    }

    /// <summary>
    /// The service's settings per mode: off; on (everything, exported); and three for finding where the
    /// cost is and what lowers it: on without database spans, on with no exporter at all, and on with
    /// one trace in ten kept.
    /// </summary>
    private static Dictionary<string, string> Settings(string mode, int sinkPort) => mode switch
    {
        "off" => new() { ["Telemetry__Enabled"] = "false" },
        "on" => Exported(sinkPort),
        "on-no-db-spans" => new(Exported(sinkPort)) { ["Telemetry__DatabaseSpans"] = "false" },
        "on-no-export" => new() { ["Telemetry__Prometheus"] = "true", ["Telemetry__PrometheusAnonymous"] = "true" },
        "on-sampled" => new(Exported(sinkPort)) { ["Telemetry__TraceSampleRatio"] = "0.1" },
        _ => throw new ArgumentException($"Unknown mode {mode}: off, on, on-no-db-spans, on-no-export, on-sampled."),
    };

    private static Dictionary<string, string> Exported(int sinkPort) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{sinkPort}",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "10000",
        ["Telemetry__Prometheus"] = "true",
        ["Telemetry__PrometheusAnonymous"] = "true",
    };

    /// <summary>GET /metrics every 5 s, as Prometheus would (the node is on the load test's first port).</summary>
    private static async Task ScrapeAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:5199") };
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                await http.GetStringAsync("/metrics", ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // Not up yet, or already stopped.
            }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
