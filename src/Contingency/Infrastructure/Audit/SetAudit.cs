namespace Contingency.Infrastructure.Audit;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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
    /// <paramref name="filterValue"/>, all at <paramref name="at"/> (the service's clock, as the
    /// interceptor dates its entries) and written in the order of <paramref name="orderBy"/>.
    /// Returns the number of entries.
    /// </summary>
    public static Task<int> RecordUpdatedAsync<TEntity>(this ContingencyDb db, DateTimeOffset at, string filterProperty, string filterValue,
        IReadOnlyDictionary<string, (object? From, object? To)> changes, IReadOnlyList<string> orderBy, CancellationToken ct)
        where TEntity : class
    {
        var type = db.Model.FindEntityType(typeof(TEntity))!;
        var audited = AuditedType.Of(type) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not audited.");
        var key = type.FindPrimaryKey()!.Properties.Single().Name;
        // One entry as the interceptor would make it: its rules check the actor and action, fit the summary.
        var entry = new AuditEntry(at, db.AuditScope?.Actor ?? Caller.System, db.AuditScope?.Action ?? "updated", audited.Name, "-",
            audited.SummarizeUpdate(changes));
        // The instant goes in as the column stores it (UTC ticks on SQLite), through the property's own mapping.
        using var command = db.Database.GetDbConnection().CreateCommand();
        var instant = db.Model.FindEntityType(typeof(AuditEntry))!.FindProperty(nameof(AuditEntry.At))!.GetRelationalTypeMapping()
            .CreateParameter(command, "contingency_at", entry.At);
        var sql = $$"""
            INSERT INTO {{db.Table<AuditEntry>()}} ({{db.Column<AuditEntry>(nameof(AuditEntry.At))}}, {{db.Column<AuditEntry>(nameof(AuditEntry.Actor))}},
                {{db.Column<AuditEntry>(nameof(AuditEntry.Action))}}, {{db.Column<AuditEntry>(nameof(AuditEntry.EntityType))}},
                {{db.Column<AuditEntry>(nameof(AuditEntry.EntityId))}}, {{db.Column<AuditEntry>(nameof(AuditEntry.Summary))}})
            SELECT {0}, {1}, {2}, {3}, {{db.Column<TEntity>(key)}}, {4}
            FROM {{db.Table<TEntity>()}}
            WHERE {{db.Column<TEntity>(filterProperty)}} = {5}
            ORDER BY {{string.Join(", ", orderBy.Select(db.Column<TEntity>))}}
            """;
        return db.Database.ExecuteSqlRawAsync(sql, [instant, entry.Actor, entry.Action, entry.EntityType, entry.Summary, filterValue], ct);
    }
}
