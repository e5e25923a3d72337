namespace Contingency.Infrastructure;

using FluentValidation;
using Mediator;

/// <summary>
/// Runs every validator of a message once, before its handler; failures become a 400. First of all,
/// no text of the message may hold a NUL character (<see cref="NulText"/>).
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (NulText.FieldOf(message) is { } field)
            throw new Contingency.Data.InvalidFieldException(field, $"{field} must not contain a NUL character.");
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            if (!result.IsValid) throw new ValidationException(result.Errors);
        }
        return await next(message, cancellationToken);
    }
}
