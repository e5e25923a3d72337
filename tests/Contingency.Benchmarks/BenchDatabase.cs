namespace Contingency.Benchmarks;

using System.Data.Common;
using Contingency.Data;
using Contingency.Data.Providers;
using Contingency.Migrations.Postgres;
using Contingency.Migrations.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

/// <summary>
/// Which database the benchmarks run on. By default SQLite files under <c>$TMPDIR/contingency-bench/</c>;
/// with <c>CONTINGENCY_BENCH_POSTGRES</c> set to an Npgsql connection string of a server where its user
/// may create databases, PostgreSQL databases on that server instead: the seeded data set is the
/// database <c>contingency_bench</c>, and each copy a benchmark writes to is a database of its own,
/// made from it with CREATE DATABASE … TEMPLATE.
/// </summary>
public static class BenchDatabase
{
    public const string PostgresVariable = "CONTINGENCY_BENCH_POSTGRES";
    private const string SeededDatabase = "contingency_bench";

    private static readonly string? Server = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;

    public static bool IsPostgres => Server is not null;

    public static DatabaseProvider Provider => IsPostgres ? PostgresProvider.Instance : SqliteProvider.Instance;

    public static string Name => IsPostgres ? "PostgreSQL" : "SQLite";

    public static string Directory => Path.Combine(Path.GetTempPath(), "contingency-bench");

    /// <summary>The SQLite data set (the query benchmarks read it; on SQLite every benchmark starts from it).</summary>
    public static string SqliteFile => Path.Combine(Directory, "bench.db");

    /// <summary>The seeded data set.</summary>
    public static string Seeded => Of(IsPostgres ? SeededDatabase : "bench");

    /// <summary>
    /// The connection string of the database called <paramref name="name"/>: a file name.db beside the
    /// data set, or the database contingency_bench_name on the server.
    /// </summary>
    public static string Of(string name) => Server is null
        ? $"Data Source={Path.Combine(Directory, name + ".db")}"
        : new NpgsqlConnectionStringBuilder(Server)
        {
            Database = name == SeededDatabase ? name : $"{SeededDatabase}_{name.Replace('-', '_')}",
        }.ConnectionString;

    /// <summary>The settings a service needs to use <paramref name="connectionString"/>, keyed as in configuration.</summary>
    public static Dictionary<string, string> ServiceSettings(string connectionString)
    {
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Contingency"] = connectionString };
        if (IsPostgres)
        {
            settings["Database:Provider"] = PostgresProvider.Instance.Name;
            // Migrated when seeded, as the migrate command does before a release's nodes start.
            settings["Database:MigrateOnStart"] = "false";
        }
        return settings;
    }

    /// <summary>EF Core options as the service builds them (the provider's conventions included), on <paramref name="connectionString"/>.</summary>
    public static DbContextOptions<ContingencyDb> Options(string connectionString)
    {
        var options = new DbContextOptionsBuilder<ContingencyDb>();
        Provider.Configure(options, connectionString);
        return options.Options;
    }

    public static async Task<DbConnection> OpenAsync(string connectionString)
    {
        DbConnection connection = IsPostgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// <paramref name="connectionString"/> without connection pooling: the seeded database must have no
    /// connection left open when it is copied, and the benchmark's own pools would keep some.
    /// </summary>
    public static string Unpooled(string connectionString) => IsPostgres
        ? new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString
        : new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>The text the seeded data set was marked with when it was complete; null while it is not.</summary>
    public static async Task<string?> MarkerAsync()
    {
        if (Server is null)
        {
            var marker = SqliteFile + ".marker";
            return File.Exists(marker) ? await File.ReadAllTextAsync(marker) : null;
        }
        await using var admin = await AdminAsync();
        await using var cmd = admin.CreateCommand();
        cmd.CommandText = "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = @name";
        cmd.Parameters.AddWithValue("name", SeededDatabase);
        return await cmd.ExecuteScalarAsync() as string;
    }

    public static async Task MarkAsync(string marker)
    {
        if (Server is null)
        {
            await File.WriteAllTextAsync(SqliteFile + ".marker", marker);
            return;
        }
        await using var admin = await AdminAsync();
        await using var cmd = admin.CreateCommand();
        cmd.CommandText = $"COMMENT ON DATABASE \"{SeededDatabase}\" IS '{marker.Replace("'", "''")}'";
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>An empty database (or file) for the data set, in place of whatever was there.</summary>
    public static async Task CreateEmptySeededAsync()
    {
        if (Server is null)
        {
            System.IO.Directory.CreateDirectory(Directory);
            foreach (var f in new[] { SqliteFile, SqliteFile + "-wal", SqliteFile + "-shm", SqliteFile + ".marker" }) File.Delete(f);
            return;
        }
        await DropAsync(SeededDatabase);
        await ExecuteAdminAsync($"CREATE DATABASE \"{SeededDatabase}\"");
    }

    /// <summary>
    /// A fresh copy of the seeded data set called <paramref name="name"/>, for a run that writes: a file
    /// copy, or on PostgreSQL a new database with the seeded one as its template (a copy of its files).
    /// </summary>
    public static async Task<string> CopyAsync(string name)
    {
        var target = Of(name);
        if (Server is null)
        {
            // Pooled connections would still point at the previous copy's (deleted) file.
            SqliteConnection.ClearAllPools();
            var path = new SqliteConnectionStringBuilder(target).DataSource;
            foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);
            File.Copy(SqliteFile, path);
            return target;
        }
        var database = new NpgsqlConnectionStringBuilder(target).Database!;
        await DropAsync(database);
        await using var admin = await AdminAsync();
        // PostgreSQL 15 copies a template through the WAL by default; FILE_COPY checkpoints and copies the
        // files instead: faster, and it leaves no 300 MB of WAL to be checkpointed during the measurement.
        var strategy = admin.PostgreSqlVersion.Major >= 15 ? " STRATEGY = FILE_COPY" : "";
        // The template may have no session open: an autovacuum worker counts, so wait one out.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(admin, $"CREATE DATABASE \"{database}\" TEMPLATE \"{SeededDatabase}\"{strategy}");
                return target;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 60)
            {
                await Task.Delay(1000);
            }
        }
    }

    /// <summary>Drops the copy called <paramref name="name"/> (on SQLite the files stay, as they always have).</summary>
    public static async Task DropCopyAsync(string name)
    {
        if (Server is not null) await DropAsync(new NpgsqlConnectionStringBuilder(Of(name)).Database!);
    }

    private static async Task DropAsync(string database)
    {
        // FORCE ends any session still on it; this process's pools let go of theirs first, so that none
        // of them hands out a connection the drop has ended to the next database of that name.
        NpgsqlConnection.ClearAllPools();
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
    }

    private static async Task ExecuteAdminAsync(string sql)
    {
        await using var admin = await AdminAsync();
        await ExecuteAsync(admin, sql);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A connection to the server's maintenance database, never to one that is created, copied or dropped.</summary>
    private static async Task<NpgsqlConnection> AdminAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
