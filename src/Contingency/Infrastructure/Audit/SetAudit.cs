namespace Contingency.Infrastructure.Audit;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// The audit trail of a write made in one statement for many rows (an <c>ExecuteUpdate</c>), which
/// the <see cref="AuditInterceptor"/> never sees: one entry per row, written by the database itself
/// in one <c>INSERT … SELECT</c> in the same transaction, with the message's actor and action and
/// the summary the interceptor would have written for each row.
/// </summary>
public static class SetAudit
{
    /// <summary>
    /// One entry per <typeparamref name="TEntity"/> row whose <paramref name="filterProperty"/> equals
    /// <paramref name="filterValue"/>, dated by the row's <paramref name="atProperty"/> (the instant the
    /// update wrote, so the value keeps its column type) and written in the order of
    /// <paramref name="orderBy"/>. Returns the number of entries.
    /// </summary>
    public static Task<int> RecordUpdatedAsync<TEntity>(this ContingencyDb db, string filterProperty, string filterValue, string atProperty,
        IReadOnlyDictionary<string, (object? From, object? To)> changes, IReadOnlyList<string> orderBy, CancellationToken ct)
        where TEntity : class
    {
        var type = db.Model.FindEntityType(typeof(TEntity))!;
        var audited = AuditedType.Of(type) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not audited.");
        var key = type.FindPrimaryKey()!.Properties.Single().Name;
        var sql = $$"""
            INSERT INTO {{db.Table<AuditEntry>()}} ({{db.Column<AuditEntry>(nameof(AuditEntry.At))}}, {{db.Column<AuditEntry>(nameof(AuditEntry.Actor))}},
                {{db.Column<AuditEntry>(nameof(AuditEntry.Action))}}, {{db.Column<AuditEntry>(nameof(AuditEntry.EntityType))}},
                {{db.Column<AuditEntry>(nameof(AuditEntry.EntityId))}}, {{db.Column<AuditEntry>(nameof(AuditEntry.Summary))}})
            SELECT {{db.Column<TEntity>(atProperty)}}, {0}, {1}, {2}, {{db.Column<TEntity>(key)}}, {3}
            FROM {{db.Table<TEntity>()}}
            WHERE {{db.Column<TEntity>(filterProperty)}} = {4}
            ORDER BY {{string.Join(", ", orderBy.Select(db.Column<TEntity>))}}
            """;
        return db.Database.ExecuteSqlRawAsync(sql,
            [db.AuditScope?.Actor ?? Caller.System, db.AuditScope?.Action ?? "updated", audited.Name,
             AuditEntry.Fit(audited.SummarizeUpdate(changes), AuditEntry.MaxSummaryLength), filterValue], ct);
    }
}
