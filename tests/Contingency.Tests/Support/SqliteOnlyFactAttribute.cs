namespace Contingency.Tests.Support;

/// <summary>
/// A test of something only SQLite has (pragmas, the file beside the service): skipped, with the
/// reason, when the suites run on PostgreSQL.
/// </summary>
public sealed class SqliteOnlyFactAttribute : FactAttribute
{
    public SqliteOnlyFactAttribute(string why)
    {
        if (TestDatabase.IsPostgres) Skip = $"SQLite only: {why}";
    }
}
