namespace Contingency.Infrastructure.Telemetry;

using System.Diagnostics;
using Mediator;

/// <summary>
/// First in the pipeline: a span per message, named by its type. The span
/// carries the message's type and outcome (ok, or the refusal's code), never its content. A refusal
/// is the service working (the HTTP span shows it as a 4xx); only an unexpected failure marks the
/// span as an error.
/// </summary>
public sealed class TelemetryBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string Name = typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using var activity = Instrumentation.Source.StartActivity(Name);
        activity?.SetTag(Instrumentation.MessageType, Name);
        try
        {
            var response = await next(message, cancellationToken);
            activity?.SetTag(Instrumentation.Outcome, "ok");
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away (or the host is stopping): not the service's failure.
            activity?.SetTag(Instrumentation.Outcome, "aborted");
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
            throw;
        }
    }
}
