namespace Contingency.Benchmarks;

using System.Diagnostics;
using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Data.Payments;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

/// <summary>
/// The benchmark data set: one 8-week program, 10,000 providers each committed 6 slots a day Monday
/// to Friday (2.4 million slots), and 1,000,000 booked appointments. Built once per database (see
/// <see cref="BenchDatabase"/>) and reused.
/// </summary>
public static class Seed
{
    public const int Providers = 10_000;
    public const int Appointments = 1_000_000;
    public static readonly string[] Regions = ["Sacramento", "Santa Rosa", "Oakland", "San Jose", "Fresno", "Stockton", "Modesto", "Chico", "Redding", "Eureka"];
    public static readonly DateOnly ProgramStart = new(2027, 3, 1);
    public const string ProgramId = "bench-program";

    // Bump when the data set changes, so an old one is rebuilt.
    private const string Version = "seeded-v3";

    public static string ProviderId(int i) => $"prov-{i:D5}";

    /// <summary>The program's first payment moment: the signing bonuses and the first week's advances fall due.</summary>
    public static readonly DateTimeOffset FirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00");

    /// <summary>
    /// Builds the data set unless it is there. The program, providers, commitments and payment
    /// schedules go through the entities and EF Core with the service's own provider configuration
    /// (110,000 rows, a few seconds); the million appointments, the data set rather than the code under
    /// test, go in through the fastest plain path of each database.
    /// </summary>
    public static async Task EnsureAsync()
    {
        if (await BenchDatabase.MarkerAsync() is { } marker && marker.StartsWith(Version + ":", StringComparison.Ordinal))
        {
            // A data set seeded before the latest migrations gets them, as a release's migrate command would.
            await using var seeded = new ContingencyDb(BenchDatabase.Options(BenchDatabase.Unpooled(BenchDatabase.Seeded)));
            if ((await seeded.Database.GetPendingMigrationsAsync()).Any())
            {
                await seeded.Database.MigrateAsync();
                await BenchDatabase.Provider.AfterMigrationsAsync(seeded, CancellationToken.None);
            }
            return;
        }
        await BenchDatabase.CreateEmptySeededAsync();
        var clock = Stopwatch.StartNew();
        var connectionString = BenchDatabase.Unpooled(BenchDatabase.Seeded);

        await using (var db = new ContingencyDb(BenchDatabase.Options(connectionString)))
        {
            // The service's migrations, as its migrate command applies them.
            await db.Database.MigrateAsync();
            await BenchDatabase.Provider.AfterMigrationsAsync(db, CancellationToken.None);
            var now = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
            var program = new CareProgram(ProgramId, "Benchmark program", ProgramZone.Find("America/Los_Angeles"), ProgramStart, 8, 60,
                [], new Rates(150m, 50m, 1000m, "USD"), DayOfWeek.Friday, new TimeOnly(17, 0), now);
            db.Programs.Add(program);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var calendar = program.Calendar();
            var weekdays = WeekdaySet.Of([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday]);
            for (var i = 0; i < Providers; i++)
            {
                var languages = i % 10 < 3 ? new[] { "en", "es" } : i % 10 == 3 ? ["en", "vi"] : ["en"];
                var nine = $"{i:D9}";
                var provider = new Provider(ProviderId(i), $"Provider {i}", nine + Contingency.Data.Npi.CheckDigit(nine), i % 2 == 0 ? "LMFT" : "LCSW", $"L-{i}",
                    $"p{i}@example.org", Regions[i % Regions.Length], ["video", "in-person"], languages, now);
                db.Providers.Add(provider);
                var commitment = new Commitment($"comm-{i:D5}", program, provider, 6, weekdays, new TimeOnly(9, 0), ProgramStart, 8, [], DateOnly.FromDateTime(now.UtcDateTime), now);
                db.Commitments.Add(commitment);
                // Its payment schedule, as the service writes it: a signing bonus and eight advances.
                var n = 0;
                db.Payments.AddRange(PaymentPlan.Reconcile(commitment, program, calendar, [], () => $"pay-{i:D5}-{n++}", now));
            }
            await db.SaveChangesAsync();
        }
        Console.WriteLine($"Seeded {Providers} providers, their commitments and payments in {clock.Elapsed.TotalSeconds:F0} s");

        var count = BenchDatabase.IsPostgres ? await CopyAppointmentsAsync(connectionString) : await InsertAppointmentsAsync(connectionString);
        await BenchDatabase.MarkAsync($"{Version}: {count} appointments");
        Console.WriteLine($"Seeded {Providers} providers and {count} appointments on {BenchDatabase.Name} in {clock.Elapsed.TotalSeconds:F0} s");
    }

    private sealed record AppointmentRow(
        string Id, int Provider, Slot Slot, string Kind, string MemberRef, DateOnly? PreviousVisitOn, DateOnly? FollowUpDueBy, bool? TimelyAccessMet)
    {
        public string ProviderId => Seed.ProviderId(Provider);
        public string CommitmentId => $"comm-{Provider:D5}";
        public string Region => Regions[Provider % Regions.Length];
        public string LicenseType => Provider % 2 == 0 ? "LMFT" : "LCSW";
    }

    /// <summary>100 of each provider's 240 slots, spread over the weeks: about 42% booked overall; a third are follow-ups.</summary>
    private static IEnumerable<AppointmentRow> AppointmentRows()
    {
        var slots = SlotsOfAProvider(ProgramZone.Find("America/Los_Angeles"));
        var count = 0;
        for (var i = 0; i < Providers && count < Appointments; i++)
        {
            for (var s = 0; s < slots.Count && count < Appointments; s++)
            {
                if ((s * 7 + i) % 12 >= 5) continue;
                var slot = slots[s];
                var followUp = s % 3 == 0;
                var previous = slot.Date.AddDays(-14);
                var due = BusinessDays.After(previous, 10, new HashSet<DateOnly>());
                yield return new AppointmentRow($"appt-{count:D7}", i, slot, followUp ? "follow-up" : "intake", $"M-{count:D7}",
                    followUp ? previous : null, followUp ? due : null, followUp ? slot.Date <= due : null);
                count++;
            }
        }
    }

    /// <summary>SQLite: one prepared statement in one transaction (the schema's booking triggers fire for each row).</summary>
    private static async Task<int> InsertAppointmentsAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO Appointments (Id, ProgramId, ProviderId, CommitmentId, Region, LicenseType, Start, "End", LocalDate, Status, Kind,
                MemberRef, PreviousVisitOn, FollowUpDueBy, TimelyAccessMet, Modality, CreatedAt, UpdatedAt, HeldSlot)
            VALUES ($id, $program, $provider, $commitment, $region, $license, $start, $end, $date, 'booked', $kind,
                $member, $previous, $due, $met, 'video', $now, $now, $start)
            """;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "$id", "$program", "$provider", "$commitment", "$region", "$license", "$start", "$end", "$date", "$kind", "$member", "$previous", "$due", "$met", "$now" })
            p[name] = insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        insert.Prepare();

        var count = 0;
        foreach (var row in AppointmentRows())
        {
            p["$id"].Value = row.Id;
            p["$program"].Value = ProgramId;
            p["$provider"].Value = row.ProviderId;
            p["$commitment"].Value = row.CommitmentId;
            p["$region"].Value = row.Region;
            p["$license"].Value = row.LicenseType;
            p["$start"].Value = row.Slot.Start.UtcTicks;
            p["$end"].Value = row.Slot.End.UtcTicks;
            p["$date"].Value = row.Slot.Date.ToString("yyyy-MM-dd");
            p["$kind"].Value = row.Kind;
            p["$member"].Value = row.MemberRef;
            p["$previous"].Value = row.PreviousVisitOn is { } previous ? previous.ToString("yyyy-MM-dd") : DBNull.Value;
            p["$due"].Value = row.FollowUpDueBy is { } due ? due.ToString("yyyy-MM-dd") : DBNull.Value;
            p["$met"].Value = row.TimelyAccessMet is { } met ? (met ? 1 : 0) : DBNull.Value;
            p["$now"].Value = DateTimeOffset.UtcNow.UtcTicks;
            await insert.ExecuteNonQueryAsync();
            count++;
        }
        await tx.CommitAsync();
        await using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE;";
            await analyze.ExecuteNonQueryAsync();
        }
        return count;
    }

    /// <summary>
    /// PostgreSQL: one binary COPY in one transaction, the foreign keys checked as usual. The booking
    /// trigger is switched off for the COPY (fired a million times, its UPDATE would leave each commitment
    /// row with a chain of 100 versions in one transaction) and the commitments' BookingsVersion set to
    /// what it would have left: one per appointment, as on SQLite. Then VACUUM (FREEZE, ANALYZE), so
    /// the copies start with statistics and leave autovacuum nothing to do.
    /// </summary>
    private static async Task<int> CopyAppointmentsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await ExecuteAsync(connection, """ALTER TABLE "Appointments" DISABLE TRIGGER "Appointments_RequireCommittedDay" """);
            await ExecuteAsync(connection, """ALTER TABLE "Appointments" DISABLE TRIGGER "Appointments_CountBooked" """);
            var count = 0;
            await using (var copy = await connection.BeginBinaryImportAsync("""
                COPY "Appointments" ("Id", "ProgramId", "ProviderId", "CommitmentId", "Region", "LicenseType", "Start", "End", "LocalDate",
                    "Status", "Kind", "MemberRef", "PreviousVisitOn", "FollowUpDueBy", "TimelyAccessMet", "Modality", "CreatedAt", "UpdatedAt", "HeldSlot")
                FROM STDIN (FORMAT BINARY)
                """))
            {
                foreach (var row in AppointmentRows())
                {
                    var now = DateTime.UtcNow;
                    await copy.StartRowAsync();
                    await copy.WriteAsync(row.Id, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(ProgramId, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(row.ProviderId, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(row.CommitmentId, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(row.Region, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(row.LicenseType, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(row.Slot.Start.UtcDateTime, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(row.Slot.End.UtcDateTime, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(row.Slot.Date, NpgsqlDbType.Date);
                    await copy.WriteAsync("booked", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(row.Kind, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(row.MemberRef, NpgsqlDbType.Varchar);
                    await WriteOrNullAsync(copy, row.PreviousVisitOn, NpgsqlDbType.Date);
                    await WriteOrNullAsync(copy, row.FollowUpDueBy, NpgsqlDbType.Date);
                    await WriteOrNullAsync(copy, row.TimelyAccessMet, NpgsqlDbType.Boolean);
                    await copy.WriteAsync("video", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(row.Slot.Start.UtcDateTime, NpgsqlDbType.TimestampTz);
                    count++;
                }
                await copy.CompleteAsync();
            }
            await ExecuteAsync(connection, """
                UPDATE "Commitments" c SET "BookingsVersion" = a.n
                FROM (SELECT "CommitmentId", COUNT(*) AS n FROM "Appointments" GROUP BY "CommitmentId") a WHERE a."CommitmentId" = c."Id"
                """);
            // The booked counts the counting trigger would have kept, in one statement.
            await ExecuteAsync(connection, """
                INSERT INTO "BookedCounts" ("ProgramId", "Region", "LicenseType", "LocalDate", "Kind", "TimelyAccess", "Count")
                SELECT "ProgramId", "Region", "LicenseType", "LocalDate", "Kind",
                       CASE WHEN "TimelyAccessMet" IS NULL THEN -1 WHEN "TimelyAccessMet" THEN 1 ELSE 0 END, COUNT(*)
                FROM "Appointments" WHERE "HeldSlot" IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6
                """);
            await ExecuteAsync(connection, """ALTER TABLE "Appointments" ENABLE TRIGGER "Appointments_CountBooked" """);
            await ExecuteAsync(connection, """ALTER TABLE "Appointments" ENABLE TRIGGER "Appointments_RequireCommittedDay" """);
            await tx.CommitAsync();
            Console.WriteLine($"Copied {count} appointments in; vacuuming");
            await ExecuteAsync(connection, "VACUUM (FREEZE, ANALYZE)");
            return count;
        }
    }

    private static async Task WriteOrNullAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is { } v) await copy.WriteAsync(v, type);
        else await copy.WriteNullAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync();
    }

    public static List<Slot> SlotsOfAProvider(ProgramZone zone)
    {
        var calendar = new SlotCalendar(zone, new HashSet<DateOnly>(), 60);
        var pattern = new SlotPattern(6, WeekdaySet.Of([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday]),
            new TimeOnly(9, 0), ProgramStart, ProgramStart.AddDays(55), new HashSet<DateOnly>());
        return calendar.Slots(pattern, ProgramStart, ProgramStart.AddDays(55)).ToList();
    }
}
