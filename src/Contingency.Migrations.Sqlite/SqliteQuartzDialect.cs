namespace Contingency.Migrations.Sqlite;

using Contingency.Data.Scheduling;
using static Contingency.Data.Scheduling.QuartzSchema;

/// <summary>Quartz's tables as SQLite spells them (the QuartzJobStore migration renders them).</summary>
public sealed class SqliteQuartzDialect : IDialect
{
    public string TypeOf(Column column) => column.Kind switch
    {
        Kind.Name => "TEXT",
        Kind.Long or Kind.Int or Kind.Bool => "INTEGER",
        Kind.Blob => "BLOB",
        Kind.Decimal => "NUMERIC",
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    // Quartz's own connections do not turn SQLite's foreign keys on, so the cascade from a trigger
    // to its detail row is done by triggers.
    public IEnumerable<string> AfterTables() =>
        Tables.Where(t => t.ForeignKeys.Any(fk => fk.Cascade)).Select(t =>
            $"CREATE TRIGGER {Prefix}{t.Name}_ON_TRIGGER_DELETE AFTER DELETE ON {Prefix}TRIGGERS\nBEGIN\n" +
            $"  DELETE FROM {Prefix}{t.Name} WHERE SCHED_NAME = OLD.SCHED_NAME AND TRIGGER_NAME = OLD.TRIGGER_NAME AND TRIGGER_GROUP = OLD.TRIGGER_GROUP;\nEND");
}
