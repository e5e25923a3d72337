namespace Contingency.Migrations.Postgres;

using Contingency.Data.Scheduling;
using static Contingency.Data.Scheduling.QuartzSchema;

/// <summary>
/// Quartz's tables as PostgreSQL spells them (the InitialCreate migration renders them). Quartz's SQL
/// names its tables and columns unquoted, so they are created unquoted too: both fold to lower case.
/// Foreign keys are always enforced here, so the cascades need no triggers.
/// </summary>
public sealed class PostgresQuartzDialect : IDialect
{
    public string TypeOf(Column column) => column.Kind switch
    {
        Kind.Name => $"VARCHAR({column.Length})",
        Kind.Long => "BIGINT",
        Kind.Int => "INTEGER",
        Kind.Bool => "BOOLEAN",
        Kind.Blob => "BYTEA",
        Kind.Decimal => "NUMERIC(13,4)",
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    public string DefaultOf(Column column) => column.Kind == Kind.Bool
        ? column.Default == "0" ? "FALSE" : "TRUE"
        : column.Default!;
}
