namespace Contingency.Migrations.SqlServer;

using Contingency.Data.Scheduling;
using static Contingency.Data.Scheduling.QuartzSchema;

/// <summary>
/// Quartz's tables as SQL Server spells them (the InitialCreate migration renders them), with the
/// types of Quartz.NET's documented SQL Server schema: Unicode names, bit flags, varbinary(max) data.
/// SQL Server enforces the foreign keys, cascades included, so no triggers are needed. The lock rows
/// are not inserted here: they carry the scheduler's name (Scheduler:Name), so each node writes them
/// as it starts (Scheduling.PrepareLockRowsAsync in the executable).
/// </summary>
public sealed class SqlServerQuartzDialect : IDialect
{
    public string TypeOf(Column column) => column.Kind switch
    {
        Kind.Name => $"NVARCHAR({column.Length})",
        Kind.Long => "BIGINT",
        Kind.Int => "INT",
        Kind.Bool => "BIT",
        Kind.Blob => "VARBINARY(MAX)",
        Kind.Decimal => "NUMERIC(13,4)",
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };
}
