namespace Contingency.Infrastructure;

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

public static class UniqueViolation
{
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintTrigger = 1811;

    /// <summary>True when the database refused the save because a unique index already holds the key.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) =>
        exception.InnerException switch
        {
            SqliteException e => e.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
            _ => false,
        };

    /// <summary>True when a trigger of the schema refused the save with this code (RAISE(ABORT, code)).</summary>
    public static bool IsRefusedByTrigger(this DbUpdateException exception, string code) =>
        exception.InnerException switch
        {
            SqliteException e => e.SqliteExtendedErrorCode == SqliteConstraintTrigger && e.Message.Contains(code, StringComparison.Ordinal),
            _ => false,
        };
}
