namespace Contingency.Infrastructure.Audit;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure.Security;
using Mediator;

/// <summary>
/// Names the writes a message makes for the audit trail: the caller's subject as actor and the
/// message as action (<c>Book</c> → <c>book</c>, <c>RunPayments</c> → <c>run-payments</c>). The
/// context is pooled and a message may send another, so the scope before it is put back after it.
/// </summary>
public sealed class AuditBehavior<TMessage, TResponse>(ContingencyDb db, Caller caller) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string Action = AuditNames.Kebab(typeof(TMessage).Name);

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var outer = db.AuditScope;
        db.AuditScope = new AuditScope(caller.Subject, Action);
        try
        {
            return await next(message, cancellationToken);
        }
        finally
        {
            db.AuditScope = outer;
        }
    }
}
