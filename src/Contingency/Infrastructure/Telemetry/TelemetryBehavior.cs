namespace Contingency.Infrastructure.Telemetry;

using System.Diagnostics;
using Mediator;

/// <summary>
/// Marks a command that books a slot: each one is counted in <see cref="ContingencyMetrics.Bookings"/>
/// by its outcome, with its type's name in lower case (book, reschedule, rebook) as the operation.
/// </summary>
public interface IBookingCommand;

/// <summary>
/// First in the pipeline: a span per message, named by its type, and the booking count. The span
/// carries the message's type and outcome (ok, or the refusal's code), never its content. A refusal
/// is the service working (the HTTP span shows it as a 4xx); only an unexpected failure marks the
/// span as an error.
/// </summary>
public sealed class TelemetryBehavior<TMessage, TResponse>(ContingencyMetrics metrics, IServiceProvider services) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string Name = typeof(TMessage).Name;
    private static readonly string? BookingOperation =
        typeof(TMessage).IsAssignableTo(typeof(IBookingCommand)) ? Name.ToLowerInvariant() : null;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using var activity = Instrumentation.Source.StartActivity(Name);
        activity?.SetTag(Instrumentation.MessageType, Name);
        try
        {
            var response = await next(message, cancellationToken);
            activity?.SetTag(Instrumentation.Outcome, "ok");
            if (BookingOperation is { } operation)
                metrics.Booking(operation, services.GetService<Idempotency>()?.Replayed == true ? "replayed" : "booked");
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away (or the host is stopping): not the service's failure, and nothing was booked.
            activity?.SetTag(Instrumentation.Outcome, "aborted");
            if (BookingOperation is { } operation) metrics.Booking(operation, "aborted");
            throw;
        }
        catch (Exception e)
        {
            var code = ProblemDetailsHandler.CodeOf(e);
            activity?.SetTag(Instrumentation.Outcome, code ?? "failed");
            if (code is null)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
                activity?.SetTag(Instrumentation.ErrorType, e.GetType().FullName);
            }
            if (BookingOperation is { } operation)
                metrics.Booking(operation, code ?? ProblemDetailsHandler.CodeOf(500));
            throw;
        }
    }
}
