namespace Contingency.Tests.Support;

using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

/// <summary>
/// Every log line the service writes, formatted as a sink would (message, structured values, scopes,
/// exception), and every problem-details body it answers: what the log scan holds against the values
/// the service was sent (<see cref="SentValues"/>).
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> lines = new();
    private readonly ConcurrentQueue<string> problemBodies = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => lines;

    /// <summary>The problem-details bodies (4xx and 5xx) the service answered, as JSON.</summary>
    public IReadOnlyCollection<string> ProblemBodies => problemBodies;

    public void AddProblemBody(string json) => problemBodies.Enqueue(json);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose() { }

    /// <summary>
    /// Every line and problem body that carries a value of <paramref name="sent"/>, the value replaced
    /// by its kind so that the report repeats no secret.
    /// </summary>
    public IReadOnlyList<string> Violations(SentValues sent)
    {
        var found = new List<string>();
        var values = sent.All.ToList();
        foreach (var (where, text) in lines.Select(l => ("log line", l)).Concat(problemBodies.Select(b => ("problem body", b))))
        foreach (var (value, kind) in values)
        {
            if (!text.Contains(value, StringComparison.Ordinal)) continue;
            var shown = text.Replace(value, $"«{kind}»", StringComparison.Ordinal);
            found.Add($"{where} carries a {kind}: {(shown.Length > 600 ? shown[..600] + "…" : shown)}");
        }
        return found;
    }

    private sealed class Logger(string category, CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs.scopes.Push(state);
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            // The structured values too: a sink such as Seq or JSON console would write them all.
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                foreach (var (key, value) in pairs) line.Append(' ').Append(key).Append('=').Append(value);
            // And the scopes a sink with IncludeScopes writes (the host's carries the request path).
            logs.scopes.ForEachScope((scope, text) => text.Append(" => ").Append(scope), line);
            if (exception is not null) line.Append(' ').Append(exception);
            logs.lines.Enqueue(line.ToString());
        }
    }
}
