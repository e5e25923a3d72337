namespace Contingency.Infrastructure.Telemetry;

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Contingency.Features.Operations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

/// <summary>
/// The readiness checks (<c>/health/ready</c>: the database answers, the scheduler runs), run on a
/// timer by the health-check publisher and kept for <see cref="ContingencyMetrics.Ready"/>, so an
/// alert sees a node that is not ready even when nothing probes it.
/// </summary>
public sealed class ReadinessGauge : IHealthCheckPublisher
{
    private readonly ConcurrentDictionary<string, int> last = new();

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
            last[name] = entry.Status == HealthStatus.Healthy ? 1 : 0;
        return Task.CompletedTask;
    }

    public IEnumerable<Measurement<int>> Measure() =>
        last.Select(e => new Measurement<int>(e.Value, new KeyValuePair<string, object?>("contingency.health.check", e.Key)));
}
