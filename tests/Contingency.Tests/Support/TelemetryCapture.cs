namespace Contingency.Tests.Support;

using System.Collections;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

/// <summary>
/// OpenTelemetry's in-memory exporters in a test service: every span it ends and every metric it
/// collects. Spans and metrics are process-wide (listeners subscribe by name), so the tests that read
/// them run in the <see cref="TelemetryCollection"/>, one at a time.
/// </summary>
public sealed class TelemetryCapture
{
    private readonly LockedList<Activity> spans = new();
    private readonly LockedList<Metric> metrics = new();

    public void AddTo(ContingencyApp app)
    {
        var before = app.ConfigureServices;
        app.ConfigureServices = services =>
        {
            before?.Invoke(services);
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
        };
    }

    public IReadOnlyList<Activity> Spans => spans.Snapshot();

    /// <summary>Collects now (the gauges read the database at this moment) and ends the spans' export.</summary>
    public void Flush(ContingencyApp app)
    {
        app.Services.GetRequiredService<TracerProvider>().ForceFlush();
        app.Services.GetRequiredService<MeterProvider>().ForceFlush();
    }

    /// <summary>The points of a metric at its last collection: a counter's running sum, a gauge's value, a histogram's sum and count.</summary>
    public IReadOnlyList<MetricValue> Points(string name)
    {
        var metric = metrics.Snapshot().LastOrDefault(m => m.Name == name);
        if (metric is null) return [];
        var points = new List<MetricValue>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new Dictionary<string, string?>();
            foreach (var tag in point.Tags) tags[tag.Key] = tag.Value?.ToString();
            points.Add(metric.MetricType switch
            {
                MetricType.LongSum or MetricType.LongSumNonMonotonic => new MetricValue(tags, point.GetSumLong(), 0),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => new MetricValue(tags, point.GetSumDouble(), 0),
                MetricType.LongGauge => new MetricValue(tags, point.GetGaugeLastValueLong(), 0),
                MetricType.DoubleGauge => new MetricValue(tags, point.GetGaugeLastValueDouble(), 0),
                MetricType.Histogram => new MetricValue(tags, point.GetHistogramSum(), point.GetHistogramCount()),
                _ => throw new InvalidOperationException($"{name}: {metric.MetricType} is not read here"),
            });
        }
        return points;
    }

    /// <summary>The resource every span and metric is exported with.</summary>
    private IEnumerable<(string Where, string Value)> ResourceAttributes(ContingencyApp app) =>
        app.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.Select(a => ($"resource {a.Key}", a.Value?.ToString() ?? ""));

    /// <summary>Every attribute value the service exported: span tags, span events' tags, span names and status texts, metric points' tags.</summary>
    public IEnumerable<(string Where, string Value)> EveryAttribute()
    {
        foreach (var span in spans.Snapshot())
        {
            yield return ($"span name {span.OperationName}", span.DisplayName);
            if (span.StatusDescription is { } status) yield return ($"{span.DisplayName} status", status);
            foreach (var tag in span.TagObjects) yield return ($"{span.DisplayName} {tag.Key}", tag.Value?.ToString() ?? "");
            foreach (var e in span.Events)
                foreach (var tag in e.Tags) yield return ($"{span.DisplayName} event {e.Name} {tag.Key}", tag.Value?.ToString() ?? "");
            foreach (var link in span.Links)
                foreach (var tag in link.Tags ?? []) yield return ($"{span.DisplayName} link {tag.Key}", tag.Value?.ToString() ?? "");
            foreach (var (key, value) in span.Baggage) yield return ($"{span.DisplayName} baggage {key}", value ?? "");
        }
        foreach (var metric in metrics.Snapshot().DistinctBy(m => m.Name))
            foreach (var point in Points(metric.Name))
                foreach (var (key, value) in point.Tags) yield return ($"{metric.Name} {key}", value ?? "");
    }

    /// <summary>Fails when any exported attribute carries a value the service was sent and must not repeat (a member reference, a token).</summary>
    public void AssertNothingSent(ContingencyApp app)
    {
        var sent = app.Sent.All;
        Assert.NotEmpty(sent);
        var leaks = EveryAttribute().Concat(ResourceAttributes(app)).Where(a => sent.Keys.Any(v => a.Value.Contains(v, StringComparison.Ordinal))).ToList();
        Assert.True(leaks.Count == 0, "Exported telemetry carries what the service was sent:\n" + string.Join("\n", leaks.Take(20)));
    }

    /// <summary>The exporters append from the threads that end spans and collect metrics.</summary>
    private sealed class LockedList<T> : ICollection<T>
    {
        private readonly List<T> items = [];

        public List<T> Snapshot()
        {
            lock (items) return [.. items];
        }

        public void Add(T item)
        {
            lock (items) items.Add(item);
        }

        public void Clear()
        {
            lock (items) items.Clear();
        }

        public bool Contains(T item)
        {
            lock (items) return items.Contains(item);
        }

        public void CopyTo(T[] array, int arrayIndex)
        {
            lock (items) items.CopyTo(array, arrayIndex);
        }

        public bool Remove(T item)
        {
            lock (items) return items.Remove(item);
        }

        public int Count
        {
            get { lock (items) return items.Count; }
        }

        public bool IsReadOnly => false;

        public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

public sealed record MetricValue(IReadOnlyDictionary<string, string?> Tags, double Value, long Count)
{
    public bool Has(string key, string value) => Tags.TryGetValue(key, out var v) && v == value;
}

/// <summary>The tests that read exported telemetry: one at a time, since another service's spans and metrics would reach their exporters too.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}
