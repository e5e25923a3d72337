namespace Contingency.Infrastructure;

using Contingency.Data;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// One database connection per message: opened before the handler, closed after it. EF would
/// otherwise open and close the connection around every query and save (a booking reads twice and
/// saves once: three trips through the connection pool instead of one).
/// </summary>
public sealed class ConnectionBehavior<TMessage, TResponse>(ContingencyDb db) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await next(message, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
