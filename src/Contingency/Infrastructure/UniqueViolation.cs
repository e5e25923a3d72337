namespace Contingency.Infrastructure;

using System.Data.Common;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// The database's refusals the service answers with a domain error. Each provider recognises its own
/// driver's exceptions, so asking every provider is unambiguous.
/// </summary>
public static class UniqueViolation
{
    /// <summary>True when the database refused the save because a unique index already holds the key.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) =>
        exception.InnerException is { } e && Database.Providers.Any(p => p.IsUniqueViolation(e));

    /// <summary>The same, for a statement run outside SaveChanges (a set-based write), which throws the driver's own exception.</summary>
    public static bool IsUniqueViolation(this DbException exception) =>
        Database.Providers.Any(p => p.IsUniqueViolation(exception));

    /// <summary>True when a trigger of the schema refused the save with this code.</summary>
    public static bool IsRefusedByTrigger(this DbUpdateException exception, string code) =>
        exception.InnerException is { } e && Database.Providers.Any(p => p.IsRefusedByTrigger(e, code));

    /// <summary>True when the database ended the transaction because it lost to another (see <see cref="Data.Providers.DatabaseProvider.IsTransientConflict"/>), however EF wrapped it.</summary>
    public static bool IsTransientConflict(this Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (Database.Providers.Any(p => p.IsTransientConflict(e))) return true;
        return false;
    }
}
