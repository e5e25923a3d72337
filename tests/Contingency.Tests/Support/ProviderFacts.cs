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

/// <summary>A test of something only a server database has (a clustered scheduler): skipped, with the reason, on SQLite.</summary>
public sealed class PostgresOnlyFactAttribute : FactAttribute
{
    public PostgresOnlyFactAttribute(string why)
    {
        if (!TestDatabase.IsPostgres) Skip = $"PostgreSQL only: {why}; tests/run runs it";
    }
}
