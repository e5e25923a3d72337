namespace Contingency.Tests.Slices;

using System.Text.RegularExpressions;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Data.Scheduling;
using Contingency.Migrations.SqlServer;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;

/// <summary>
/// SQL Server's schema, read from the script its migrations generate: no server runs here, so this is
/// what holds the SQL Server migration set to the guarantees the other databases prove live (the
/// double-booking and double-release guards, the booking/withdrawal rule, the append-only audit trail,
/// Quartz's store).
/// </summary>
public sealed partial class SqlServerSchemaTests : IDisposable
{
    private readonly ContingencyDb db = new DesignTimeFactory().CreateDbContext([]);
    private readonly string script;

    public SqlServerSchemaTests() => script = db.GetService<IMigrator>().GenerateScript();

    public void Dispose() => db.Dispose();

    [Fact]
    public void Every_table_of_the_model_is_created()
    {
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).Distinct())
            Assert.Contains($"CREATE TABLE [{table}] (", script);
        Assert.Contains("[Sequence] bigint NOT NULL IDENTITY,", script);
        Assert.Contains("[SessionRate] decimal(18,2) NOT NULL,", script);
        Assert.Contains("[DueAt] datetimeoffset NOT NULL,", script);
    }

    [Fact]
    public void Unique_indexes_stop_double_booking_a_second_active_commitment_and_a_second_release()
    {
        // SQL Server finds two NULLs equal in a unique index: each guard covers only the rows that hold something.
        Assert.Contains("CREATE UNIQUE INDEX [IX_Appointments_ProviderId_HeldSlot] ON [Appointments] ([ProviderId], [HeldSlot]) WHERE [HeldSlot] IS NOT NULL;", script);
        Assert.Contains("CREATE UNIQUE INDEX [IX_Commitments_ProviderId_ActiveInProgramId] ON [Commitments] ([ProviderId], [ActiveInProgramId]) WHERE [ActiveInProgramId] IS NOT NULL;", script);
        Assert.Contains("CREATE UNIQUE INDEX [IX_Providers_Npi] ON [Providers] ([Npi]);", script);
        // One release per payment: the payment is the release's key.
        Assert.Contains("CONSTRAINT [PK_PaymentReleases] PRIMARY KEY ([PaymentId])", script);
    }

    [Fact]
    public void The_booking_trigger_takes_the_commitment_first_refuses_with_the_service_code_and_inserts_every_column()
    {
        // The trigger as the last migration that altered it left it.
        var trigger = LastBatch($"TRIGGER [{SqlServerTriggers.RequireCommittedDay}] ON [Appointments] INSTEAD OF INSERT AS", "CREATE", "ALTER");
        var update = trigger.IndexOf("UPDATE c SET [BookingsVersion] = c.[BookingsVersion] + n.[Bookings]", StringComparison.Ordinal);
        var insert = trigger.IndexOf("INSERT INTO [Appointments] (", StringComparison.Ordinal);
        Assert.True(update >= 0 && insert > update, "the commitment is updated, and so locked, before the appointment is inserted");
        Assert.Contains("WHERE c.[EndsOn] >= n.[LastDay];", trigger);
        // Inside EXEC(N'...') the quotes are doubled.
        Assert.Contains($"THROW {SqlServerProvider.TriggerRefusal}, N''{ErrorCodes.NotACommittedSlot}'', 1;", trigger);
        // The trigger makes the insert itself: a column it does not name would be lost.
        var appointments = db.Model.FindEntityType(typeof(Appointment))!;
        var table = StoreObjectIdentifier.Table(appointments.GetTableName()!);
        var columns = appointments.GetProperties().Select(p => p.GetColumnName(table)!).ToList();
        var named = Regex.Matches(trigger[insert..trigger.IndexOf(')', insert)], @"\[(\w+)\]").Select(m => m.Groups[1].Value).Skip(1).ToList();
        Assert.Equal(columns.Order(), named.Order());
    }

    [Fact]
    public void The_audit_trail_refuses_updates_deletes_and_truncation()
    {
        var trigger = Batch($"CREATE TRIGGER [{SqlServerTriggers.AuditAppendOnly}] ON [AuditEntries] AFTER UPDATE, DELETE AS");
        Assert.Contains($"THROW {SqlServerProvider.TriggerRefusal}, N''audit-append-only'', 1;", trigger);
        // SQL Server never truncates a table a foreign key references.
        Assert.Contains("REFERENCES [AuditEntries] ([Sequence])", script);
    }

    [Fact]
    public void Every_trigger_declared_to_ef_core_is_created_by_the_migrations()
    {
        // EF Core saves differently to a table with triggers; a trigger it does not know of breaks its saves.
        var declared = db.Model.GetEntityTypes().SelectMany(e => e.GetDeclaredTriggers().Select(t => (Table: e.GetTableName(), Name: t.GetDatabaseName())))
            .ToList();
        Assert.Equal(SqlServerTriggers.Declared.Count, declared.Count);
        foreach (var (table, name) in declared)
            Assert.Contains($"CREATE TRIGGER [{name}] ON [{table}]", script);
        Assert.Equal(declared.Count, Regex.Count(script, "CREATE TRIGGER "));
    }

    [Fact]
    public void Quartz_tables_and_the_lock_table_are_created()
    {
        foreach (var table in QuartzSchema.Tables)
            Assert.Contains($"CREATE TABLE QRTZ_{table.Name} (", script);
        Assert.Contains("CREATE TABLE QRTZ_LOCKS (\n  SCHED_NAME NVARCHAR(120) NOT NULL,\n  LOCK_NAME NVARCHAR(40) NOT NULL,\n" +
                        "  CONSTRAINT PK_QRTZ_LOCKS PRIMARY KEY (SCHED_NAME, LOCK_NAME)\n)", script.ReplaceLineEndings("\n"));
        Assert.Contains("REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE", script);
        foreach (var index in QuartzSchema.Indexes)
            Assert.Contains($"CREATE INDEX {index.Name} ON QRTZ_{index.Table} (", script);
    }

    [Fact]
    public void The_scripts_and_every_batch_they_execute_parse_as_sql_server_2019_t_sql()
    {
        // Microsoft's own T-SQL parser, at the compatibility level the provider generates for: the
        // closest this machine comes to a server. It checks syntax and batch rules, not names or types.
        var migrator = db.GetService<IMigrator>();
        var scripts = new[]
        {
            script,
            migrator.GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent),
            migrator.GenerateScript(fromMigration: db.Database.GetMigrations().Last(), toMigration: Migration.InitialDatabase),
        };
        Assert.True(ExecutedBatch().Count(script) >= SqlServerTriggers.Declared.Count, "the triggers are created through EXEC");
        foreach (var sql in scripts)
        {
            Assert.Empty(ParseErrors(sql));
            // What EXEC runs is a string to the parser: each is parsed as the batch it becomes.
            foreach (Match executed in ExecutedBatch().Matches(sql))
                Assert.Empty(ParseErrors(executed.Groups[1].Value.Replace("''", "'")));
        }
        // The parser knows that CREATE TRIGGER must open its batch (why the migration runs it through EXEC).
        Assert.NotEmpty(ParseErrors("IF 1 = 1\nBEGIN\n    CREATE TRIGGER [T] ON [X] AFTER DELETE AS SELECT 1;\nEND;"));
    }

    private static List<string> ParseErrors(string sql)
    {
        new TSql150Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        return errors.Select(e => $"line {e.Line}: {e.Message}").ToList();
    }

    [GeneratedRegex(@"EXEC\(N'((?:[^']|'')*)'\)")]
    private static partial Regex ExecutedBatch();

    /// <summary>The statement that starts with <paramref name="start"/>, up to the end of its EXEC.</summary>
    private string LastBatch(string rest, params string[] verbs)
    {
        var from = verbs.Max(v => script.LastIndexOf($"EXEC(N'{v} {rest}", StringComparison.Ordinal));
        Assert.True(from >= 0, $"the script has no EXEC(N'... {rest} ...");
        return script[from..script.IndexOf("')", from, StringComparison.Ordinal)];
    }

    private string Batch(string start)
    {
        var from = script.IndexOf("EXEC(N'" + start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"the script has no EXEC(N'{start} ...");
        return script[from..script.IndexOf("')", from, StringComparison.Ordinal)];
    }
}
