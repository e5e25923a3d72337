namespace Contingency.Infrastructure.Audit;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// The one place the audit trail is written. Just before each save it adds one entry per record
/// the save inserts, updates or deletes, to that same save: the entries commit with the write or
/// not at all, and no handler has to remember them. The actor and action come from the context's
/// <see cref="ContingencyDb.AuditScope"/> (set per message by <see cref="AuditBehavior{TMessage,TResponse}"/>);
/// a save outside any message is the system's, named after what it did to the record.
/// </summary>
public sealed class AuditInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Record(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Record(eventData.Context);
        return ValueTask.FromResult(result);
    }

    // A save that fails leaves its changes tracked, and a handler may save them again: the entries of
    // the failed attempt go, so that the next attempt describes itself once.
    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Discard(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Discard(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    private void Record(DbContext? context)
    {
        if (context is not ContingencyDb db) return;
        List<AuditEntry>? entries = null;
        DateTimeOffset at = default;
        // Entries() detects changes first, so what is listed is what the save will write.
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            if (AuditedType.Of(entry.Metadata) is not { } audited) continue;
            if (entries is null)
            {
                entries = [];
                at = clock.GetUtcNow();
            }
            entries.Add(new AuditEntry(at, db.AuditScope?.Actor ?? Caller.System, db.AuditScope?.Action ?? ActionOf(entry.State),
                audited.Name, audited.IdOf(entry), audited.Summarize(entry)));
        }
        if (entries is not null) db.AuditEntries.AddRange(entries);
    }

    private static string ActionOf(EntityState state) => state switch
    {
        EntityState.Added => "created",
        EntityState.Deleted => "deleted",
        _ => "updated",
    };

    private static void Discard(DbContext? context)
    {
        if (context is not ContingencyDb db) return;
        List<AuditEntry>? unsaved = null;
        foreach (var entry in db.ChangeTracker.Entries<AuditEntry>())
            if (entry.State == EntityState.Added) (unsaved ??= []).Add(entry.Entity);
        if (unsaved is null) return;
        foreach (var entity in unsaved) db.Entry(entity).State = EntityState.Detached;
    }
}
