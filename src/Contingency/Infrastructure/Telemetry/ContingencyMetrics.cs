namespace Contingency.Infrastructure.Telemetry;

using System.Diagnostics.Metrics;

/// <summary>
/// The service's metrics (contract, Telemetry), with the semantic conventions' units: seconds for
/// durations, a curly-braced annotation for what is counted. Counters and histograms are this node's
/// own (add them up over the nodes); the gauges read the shared database, so every node reports the
/// same value (take the highest, never the sum). Attributes are ids and codes from small fixed sets.
/// </summary>
public sealed class ContingencyMetrics
{
    public const string Bookings = "contingency.bookings";
    public const string PaymentsReleased = "contingency.payments.released";
    public const string PaymentsReleasedAmount = "contingency.payments.released_amount";
    public const string PaymentRuns = "contingency.payment_runs";
    public const string PaymentRunDuration = "contingency.payment_run.duration";
    public const string SchedulerLag = "contingency.scheduler.lag";
    public const string SchedulerFireLag = "contingency.scheduler.fire_lag";
    public const string PaymentsOverdue = "contingency.payments.overdue";
    public const string DatabaseErrors = "contingency.db.errors";
    public const string Ready = "contingency.health.ready";
    public const string GaugesAge = "contingency.gauges.age";

    /// <summary>How a payment run ended: each has its series from the start, so the first failure after a restart is an increase.</summary>
    public static readonly IReadOnlyList<string> PaymentRunOutcomes = ["released", "nothing-due", "failed", "aborted"];

    private readonly Counter<long> bookings;
    private readonly Counter<long> released;
    private readonly Counter<double> releasedAmount;
    private readonly Counter<long> paymentRuns;
    private readonly Histogram<double> paymentRunDuration;
    private readonly Histogram<double> fireLag;
    private readonly Counter<long> databaseErrors;

    public ContingencyMetrics(IMeterFactory meters, OperationsGauges gauges, ReadinessGauge readiness)
    {
        var meter = meters.Create(Instrumentation.Name, Instrumentation.Version);
        bookings = meter.CreateCounter<long>(Bookings, "{booking}",
            "Bookings asked for over the API (book, reschedule, rebook), by outcome: booked, replayed (an Idempotency-Key retry), aborted (the caller went away) or the answer's problem code.");
        released = meter.CreateCounter<long>(PaymentsReleased, "{payment}", "Payments released, by currency.");
        // A double: the SDK drops a decimal instrument without a word. The amounts are exact in the batches.
        releasedAmount = meter.CreateCounter<double>(PaymentsReleasedAmount, "{currency}", "Amount released, in the currency named by its attribute.");
        paymentRuns = meter.CreateCounter<long>(PaymentRuns, "{run}", "Payment runs, by outcome: released, nothing-due, failed or aborted (the node was stopping).");
        foreach (var outcome in PaymentRunOutcomes) paymentRuns.Add(0, new KeyValuePair<string, object?>(Instrumentation.PaymentRunOutcome, outcome));
        paymentRunDuration = meter.CreateHistogram(PaymentRunDuration, "s", "How long a payment run took, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
        fireLag = meter.CreateHistogram(SchedulerFireLag, "s", "Seconds between a trigger's scheduled and actual fire, at each fire on this node.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900, 3600] });
        databaseErrors = meter.CreateCounter<long>(DatabaseErrors, "{error}",
            "Database commands and connections that failed, by kind (error.type): unique_violation, transient_conflict, timeout, connection, cancelled, other.");
        meter.CreateObservableGauge(SchedulerLag, gauges.SchedulerLag, "s",
            "How late the scheduler is, per trigger group: seconds since the scheduled fire of the group's oldest trigger that is due and has not fired (0 when none waits), read every 15 s. The same on every node.");
        meter.CreateObservableGauge(PaymentsOverdue, gauges.OverduePayments, "{payment}",
            "Payments scheduled with dueAt more than 15 minutes past and not released, by program, read every 15 s. The same on every node.");
        meter.CreateObservableGauge(Features.Retention.RetentionMetrics.Failing, gauges.RetentionFailing, unit: null,
            "1 for a retention job whose last run failed, 0 otherwise, by job, read every 15 s. The same on every node.");
        meter.CreateObservableGauge(GaugesAge, gauges.Age, "s",
            "Seconds since the scheduler-lag, overdue-payment and retention gauges were last read from the database (they go quiet after 2 minutes).");
        meter.CreateObservableGauge(Ready, readiness.Measure, unit: null,
            "1 when this node's readiness check passed at its last run, 0 when it failed, by check.");
    }

    public void Booking(string operation, string outcome) =>
        bookings.Add(1, new(Instrumentation.BookingOperation, operation), new(Instrumentation.BookingOutcome, outcome));

    public void PaymentRun(TimeSpan took, string outcome, int releasedCount, decimal amount, string currency)
    {
        var ended = new KeyValuePair<string, object?>(Instrumentation.PaymentRunOutcome, outcome);
        paymentRuns.Add(1, ended);
        paymentRunDuration.Record(took.TotalSeconds, ended);
        if (releasedCount == 0) return;
        var tag = new KeyValuePair<string, object?>(Instrumentation.Currency, currency);
        released.Add(releasedCount, tag);
        releasedAmount.Add((double)amount, tag);
    }

    public void Fired(TimeSpan late, string jobGroup) =>
        fireLag.Record(Math.Max(0, late.TotalSeconds), new KeyValuePair<string, object?>(Instrumentation.JobGroup, jobGroup));

    public void DatabaseError(string kind) => databaseErrors.Add(1, new KeyValuePair<string, object?>(Instrumentation.ErrorType, kind));
}
