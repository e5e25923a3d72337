namespace Contingency.Infrastructure.Telemetry;

using System.Diagnostics;
using System.Reflection;

/// <summary>
/// The service's own span source and meter name. Spans and metric attributes carry ids, counts,
/// codes and amounts; never a member reference or anything else <see cref="Data.DataClasses"/>
/// classifies (a test scans every exported attribute for what it sent).
/// </summary>
public static class Instrumentation
{
    /// <summary>The service's name, in its resource, its span source and its meter.</summary>
    public const string Name = "Contingency";

    /// <summary>The build's version: the informational version without its source-revision suffix.</summary>
    public static readonly string Version =
        typeof(Instrumentation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Instrumentation).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>One for the process: listeners subscribe to a source by name, so a second would only repeat it.</summary>
    public static readonly ActivitySource Source = new(Name, Version);

    // Attribute names: the semantic conventions' where one fits (error.type), the service's own otherwise.
    public const string ErrorType = "error.type";
    public const string MessageType = "contingency.message.type";
    public const string Outcome = "contingency.outcome";
    public const string BookingOutcome = "contingency.booking.outcome";
    public const string BookingOperation = "contingency.booking.operation";
    public const string ProgramId = "contingency.program.id";
    public const string BatchId = "contingency.payment_batch.id";
    public const string PaymentsReleased = "contingency.payment_run.released";
    public const string PaymentsAmount = "contingency.payment_run.amount";
    public const string Currency = "contingency.currency";
    public const string PaymentRunOutcome = "contingency.payment_run.outcome";
    public const string RetentionJob = "contingency.retention_run.job";
    public const string RetentionRunOutcome = "contingency.retention_run.outcome";
    // Quartz's own names for its groups, as its metrics carry them.
    public const string TriggerGroup = "quartz.trigger.group";
    public const string JobGroup = "quartz.job.group";
}
