namespace Contingency.Data.Scheduling;

/// <summary>
/// The tables of Quartz.NET 4's ADO job store, described once from its documented schema and
/// rendered as DDL for each database the service supports by that provider's dialect (beside its
/// migrations), so every provider's migration set creates the same store. Execution-history tables are left out: the service does not turn
/// Quartz's history on (its own payment batches are the record of what ran).
/// </summary>
public static class QuartzSchema
{
    public const string Prefix = "QRTZ_";

    public enum Kind { Name, Long, Int, Bool, Blob, Decimal }

    public sealed record Column(string Name, Kind Kind, bool Nullable = true, int Length = 0, string? Default = null);

    public sealed record ForeignKey(string[] Columns, string Table, bool Cascade);

    public sealed record Table(string Name, Column[] Columns, string[] Key, ForeignKey[] ForeignKeys);

    public sealed record Index(string Name, string Table, string[] Columns);

    private static Column Sched => new("SCHED_NAME", Kind.Name, false, 120);
    private static Column Str(string name, int length, bool nullable = true) => new(name, Kind.Name, nullable, length);
    private static Column Long(string name, bool nullable = true) => new(name, Kind.Long, nullable);
    private static Column Int(string name, bool nullable = true) => new(name, Kind.Int, nullable);
    private static Column Bool(string name, bool nullable = true, string? @default = null) => new(name, Kind.Bool, nullable, Default: @default);

    private static readonly string[] TriggerKey = ["SCHED_NAME", "TRIGGER_NAME", "TRIGGER_GROUP"];
    private static readonly ForeignKey OfTrigger = new(TriggerKey, "TRIGGERS", Cascade: true);

    private static Column[] TriggerIdentity => [Sched, Str("TRIGGER_NAME", 150, false), Str("TRIGGER_GROUP", 150, false)];

    public static readonly Table[] Tables =
    [
        new("JOB_DETAILS",
        [
            Sched, Str("JOB_NAME", 150, false), Str("JOB_GROUP", 150, false), Str("DESCRIPTION", 250),
            Str("JOB_CLASS_NAME", 250, false), Bool("IS_DURABLE", false), Bool("IS_NONCONCURRENT", false),
            Bool("IS_UPDATE_DATA", false), Bool("REQUESTS_RECOVERY", false), new("JOB_DATA", Kind.Blob),
        ], ["SCHED_NAME", "JOB_NAME", "JOB_GROUP"], []),

        new("TRIGGERS",
        [
            .. TriggerIdentity, Str("JOB_NAME", 150, false), Str("JOB_GROUP", 150, false), Str("DESCRIPTION", 250),
            Long("NEXT_FIRE_TIME"), Long("PREV_FIRE_TIME"), Int("PRIORITY"), Str("TRIGGER_STATE", 16, false),
            Str("TRIGGER_TYPE", 8, false), Long("START_TIME", false), Long("END_TIME"), Str("CALENDAR_NAME", 200),
            Int("MISFIRE_INSTR"), Long("MISFIRE_ORIG_FIRE_TIME"), Str("EXECUTION_GROUP", 200), Str("PREFERRED_NODE", 200),
            Bool("PREFERRED_NODE_AUTO", false, "0"), Str("RETRY_POLICY", 250), Int("RETRY_ATTEMPT"),
            Str("CONTINUES_TRIGGER_NAME", 150), Str("CONTINUES_TRIGGER_GROUP", 150), Int("CONTINUATION_CONDITION"),
            Int("OVERLAP_POLICY"), Str("PAUSE_REASON", 250), Str("PAUSED_BY", 200), Long("PAUSED_AT"),
            Long("MISFIRE_THRESHOLD"), Bool("FIXED_DELAY"), new("JOB_DATA", Kind.Blob),
        ], TriggerKey, [new(["SCHED_NAME", "JOB_NAME", "JOB_GROUP"], "JOB_DETAILS", Cascade: false)]),

        new("SIMPLE_TRIGGERS",
        [
            .. TriggerIdentity, Long("REPEAT_COUNT", false), Long("REPEAT_INTERVAL", false), Long("TIMES_TRIGGERED", false),
        ], TriggerKey, [OfTrigger]),

        new("CRON_TRIGGERS",
        [
            .. TriggerIdentity, Str("CRON_EXPRESSION", 250, false), Str("TIME_ZONE_ID", 80),
        ], TriggerKey, [OfTrigger]),

        new("SIMPROP_TRIGGERS",
        [
            .. TriggerIdentity, Str("STR_PROP_1", 512), Str("STR_PROP_2", 512), Str("STR_PROP_3", 512),
            Int("INT_PROP_1"), Int("INT_PROP_2"), Long("LONG_PROP_1"), Long("LONG_PROP_2"),
            new("DEC_PROP_1", Kind.Decimal), new("DEC_PROP_2", Kind.Decimal), Bool("BOOL_PROP_1"), Bool("BOOL_PROP_2"),
            Str("TIME_ZONE_ID", 80),
        ], TriggerKey, [OfTrigger]),

        new("BLOB_TRIGGERS", [.. TriggerIdentity, new("BLOB_DATA", Kind.Blob)], TriggerKey, [OfTrigger]),

        new("CALENDARS",
        [
            Sched, Str("CALENDAR_NAME", 200, false), new("CALENDAR", Kind.Blob, Nullable: false),
        ], ["SCHED_NAME", "CALENDAR_NAME"], []),

        new("PAUSED_TRIGGER_GRPS",
        [
            Sched, Str("TRIGGER_GROUP", 150, false), Str("PAUSE_REASON", 250), Str("PAUSED_BY", 200), Long("PAUSED_AT"),
        ], ["SCHED_NAME", "TRIGGER_GROUP"], []),

        new("PAUSED_JOB_GRPS",
        [
            Sched, Str("JOB_GROUP", 150, false), Str("PAUSE_REASON", 250), Str("PAUSED_BY", 200), Long("PAUSED_AT"),
        ], ["SCHED_NAME", "JOB_GROUP"], []),

        new("FIRED_TRIGGERS",
        [
            Sched, Str("ENTRY_ID", 140, false), Str("TRIGGER_NAME", 150, false), Str("TRIGGER_GROUP", 150, false),
            Str("INSTANCE_NAME", 200, false), Long("FIRED_TIME", false), Long("SCHED_TIME", false), Int("PRIORITY", false),
            Str("STATE", 16, false), Str("JOB_NAME", 150), Str("JOB_GROUP", 150), Bool("IS_NONCONCURRENT"),
            Bool("REQUESTS_RECOVERY"), Str("EXECUTION_GROUP", 200), Int("PROGRESS"), Str("PROGRESS_MESSAGE", 250),
            Long("INTERRUPT_REQUESTED_TIME"),
        ], ["SCHED_NAME", "ENTRY_ID"], []),

        new("SCHEDULER_STATE",
        [
            Sched, Str("INSTANCE_NAME", 200, false), Long("LAST_CHECKIN_TIME", false), Long("CHECKIN_INTERVAL", false),
            Str("QUARTZ_VERSION", 20),
        ], ["SCHED_NAME", "INSTANCE_NAME"], []),

        new("LOCKS", [Sched, Str("LOCK_NAME", 40, false)], ["SCHED_NAME", "LOCK_NAME"], []),
    ];

    /// <summary>The indexes the store's queries lean on: trigger acquisition, misfire sweeps and recovery.</summary>
    public static readonly Index[] Indexes =
    [
        new("IDX_QRTZ_J_G_N", "JOB_DETAILS", ["SCHED_NAME", "JOB_GROUP", "JOB_NAME"]),
        new("IDX_QRTZ_T_J", "TRIGGERS", ["SCHED_NAME", "JOB_NAME", "JOB_GROUP"]),
        new("IDX_QRTZ_T_G_N", "TRIGGERS", ["SCHED_NAME", "TRIGGER_GROUP", "TRIGGER_NAME"]),
        new("IDX_QRTZ_T_C", "TRIGGERS", ["SCHED_NAME", "CALENDAR_NAME"]),
        new("IDX_QRTZ_T_NFT_ST", "TRIGGERS", ["SCHED_NAME", "TRIGGER_STATE", "NEXT_FIRE_TIME", "PRIORITY DESC", "MISFIRE_INSTR"]),
        new("IDX_QRTZ_FT_INST_JOB_REQ_RCVRY", "FIRED_TRIGGERS", ["SCHED_NAME", "INSTANCE_NAME", "REQUESTS_RECOVERY"]),
        new("IDX_QRTZ_FT_J_G", "FIRED_TRIGGERS", ["SCHED_NAME", "JOB_NAME", "JOB_GROUP"]),
        new("IDX_QRTZ_FT_T_G", "FIRED_TRIGGERS", ["SCHED_NAME", "TRIGGER_NAME", "TRIGGER_GROUP"]),
    ];

    /// <summary>How one database spells the column kinds.</summary>
    public interface IDialect
    {
        string TypeOf(Column column);
        /// <summary>The column's default as this database writes it (a boolean is 0 on one and FALSE on another).</summary>
        string DefaultOf(Column column) => column.Default!;
        /// <summary>Statements to run after the tables exist (SQLite needs triggers for cascading deletes).</summary>
        IEnumerable<string> AfterTables() => [];
    }

    public static IEnumerable<string> CreateStatements(IDialect dialect)
    {
        foreach (var table in Tables)
        {
            var lines = table.Columns.Select(c =>
                $"  {c.Name} {dialect.TypeOf(c)}{(c.Nullable ? " NULL" : " NOT NULL")}{(c.Default is not null ? $" DEFAULT {dialect.DefaultOf(c)}" : "")}").ToList();
            lines.Add($"  CONSTRAINT PK_{Prefix}{table.Name} PRIMARY KEY ({string.Join(", ", table.Key)})");
            foreach (var fk in table.ForeignKeys)
                lines.Add($"  CONSTRAINT FK_{Prefix}{table.Name}_{fk.Table} FOREIGN KEY ({string.Join(", ", fk.Columns)}) " +
                          $"REFERENCES {Prefix}{fk.Table} ({string.Join(", ", fk.Columns)}){(fk.Cascade ? " ON DELETE CASCADE" : "")}");
            yield return $"CREATE TABLE {Prefix}{table.Name} (\n{string.Join(",\n", lines)}\n)";
        }
        foreach (var index in Indexes)
            yield return $"CREATE INDEX {index.Name} ON {Prefix}{index.Table} ({string.Join(", ", index.Columns)})";
        foreach (var statement in dialect.AfterTables())
            yield return statement;
    }

    public static IEnumerable<string> DropStatements() =>
        Tables.Reverse().Select(t => $"DROP TABLE IF EXISTS {Prefix}{t.Name}");
}
