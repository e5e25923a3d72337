namespace Contingency.Tests.Support;

using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

/// <summary>
/// Where the tests' databases live. By default each is an SQLite file; with
/// <c>CONTINGENCY_TEST_POSTGRES</c> set to an Npgsql connection string (a server where the tests may
/// create databases), every suite runs on PostgreSQL instead: each test database path names a
/// database of its own on that server, created on first use, so a second service "over the same
/// file" (a restart, another node) reaches the same database.
/// </summary>
public static class TestDatabase
{
    public const string PostgresVariable = "CONTINGENCY_TEST_POSTGRES";

    private static readonly string? Server = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;
    private static readonly ConcurrentDictionary<string, string> Created = new();

    static TestDatabase()
    {
        // Databases shared by several services (restarts, second nodes) go when the test host does,
        // as far as its exit allows; tests/run throws its whole cluster away at the end anyway.
        if (Server is not null) AppDomain.CurrentDomain.ProcessExit += (_, _) => DropAll();
    }

    public static bool IsPostgres => Server is not null;

    /// <summary>The value of Database:Provider the test services run with.</summary>
    public static string Provider => IsPostgres ? "Postgres" : "Sqlite";

    /// <summary>The service's connection string for the test database at <paramref name="databasePath"/>, creating a PostgreSQL one on first use.</summary>
    public static string ConnectionString(string databasePath)
    {
        if (Server is null) return $"Data Source={databasePath}";
        var name = Created.GetOrAdd(Path.GetFullPath(databasePath), Create);
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ToString();
    }

    /// <summary>An open connection to the test database, for reading (and tampering with) it behind the service's back.</summary>
    public static DbConnection Open(string databasePath)
    {
        DbConnection connection = Server is null
            ? new SqliteConnection($"Data Source={databasePath};Pooling=False")
            : new NpgsqlConnection(ConnectionString(databasePath));
        connection.Open();
        return connection;
    }

    /// <summary>An instant as the database returned it: UTC ticks on SQLite, a timestamptz on PostgreSQL.</summary>
    public static DateTimeOffset? Instant(object? value) => value switch
    {
        long ticks => new DateTimeOffset(ticks, TimeSpan.Zero),
        DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
        DateTimeOffset instant => instant,
        _ => null,
    };

    /// <summary>Adds a parameter, spelled <c>@name</c> in the SQL on both databases.</summary>
    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    private static string Create(string fullPath)
    {
        var name = "contingency_test_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fullPath)))[..24];
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        try
        {
            command.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Left by an earlier run of the same path: start afresh, as a new SQLite file would.
            command.CommandText = $"DROP DATABASE \"{name}\" WITH (FORCE)";
            command.ExecuteNonQuery();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }
        return name;
    }

    /// <summary>Drops the PostgreSQL database of <paramref name="databasePath"/> (nothing to do for an SQLite file, a temporary one).</summary>
    public static void Drop(string databasePath)
    {
        if (Server is null || !Created.TryRemove(Path.GetFullPath(databasePath), out var name)) return;
        using (var pooled = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = name }.ToString()))
            NpgsqlConnection.ClearPool(pooled);
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        command.ExecuteNonQuery();
    }

    private static void DropAll()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(Server);
            connection.Open();
            foreach (var name in Created.Values)
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
                command.ExecuteNonQuery();
            }
        }
        catch (NpgsqlException)
        {
            // Best effort: the process is leaving anyway.
        }
    }
}
