namespace Contingency.Benchmarks;

using System.Diagnostics;
using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Data.Payments;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// The benchmark data set: one 8-week program, 10,000 providers each committed 6 slots a day Monday
/// to Friday (2.4 million slots), and 1,000,000 booked appointments. Built once per file and reused.
/// </summary>
public static class Seed
{
    public const int Providers = 10_000;
    public const int Appointments = 1_000_000;
    public static readonly string[] Regions = ["Sacramento", "Santa Rosa", "Oakland", "San Jose", "Fresno", "Stockton", "Modesto", "Chico", "Redding", "Eureka"];
    public static readonly DateOnly ProgramStart = new(2027, 3, 1);
    public const string ProgramId = "bench-program";

    // Bump when the data set changes, so an old file is rebuilt.
    private const string Marker = ".seeded-v2";

    public static string DefaultPath => Path.Combine(Path.GetTempPath(), "contingency-bench", "bench.db");

    public static string ProviderId(int i) => $"prov-{i:D5}";

    /// <summary>The program's first payment moment: the signing bonuses and the first week's advances fall due.</summary>
    public static readonly DateTimeOffset FirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00");

    public static async Task EnsureAsync(string path)
    {
        if (File.Exists(path + Marker)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);
        var clock = Stopwatch.StartNew();

        var options = new DbContextOptionsBuilder<ContingencyDb>()
            .UseSqlite($"Data Source={path}", o => o.MigrationsAssembly("Contingency.Migrations.Sqlite")).Options;
        await using (var db = new ContingencyDb(options))
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
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

        // A million rows go in through one prepared statement in one transaction: the data set, not the code under test.
        await using var connection = new SqliteConnection($"Data Source={path}");
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

        var zone = ProgramZone.Find("America/Los_Angeles");
        var slots = SlotsOfAProvider(zone);
        var count = 0;
        for (var i = 0; i < Providers && count < Appointments; i++)
        {
            // 100 of each provider's 240 slots, spread over the weeks: about 42% booked overall.
            for (var s = 0; s < slots.Count && count < Appointments; s++)
            {
                if ((s * 7 + i) % 12 >= 5) continue;
                var slot = slots[s];
                var followUp = s % 3 == 0;
                p["$id"].Value = $"appt-{count:D7}";
                p["$program"].Value = ProgramId;
                p["$provider"].Value = ProviderId(i);
                p["$commitment"].Value = $"comm-{i:D5}";
                p["$region"].Value = Regions[i % Regions.Length];
                p["$license"].Value = i % 2 == 0 ? "LMFT" : "LCSW";
                p["$start"].Value = slot.Start.UtcTicks;
                p["$end"].Value = slot.End.UtcTicks;
                p["$date"].Value = slot.Date.ToString("yyyy-MM-dd");
                p["$kind"].Value = followUp ? "follow-up" : "intake";
                p["$member"].Value = $"M-{count:D7}";
                var previous = slot.Date.AddDays(-14);
                var due = BusinessDays.After(previous, 10, new HashSet<DateOnly>());
                p["$previous"].Value = followUp ? previous.ToString("yyyy-MM-dd") : DBNull.Value;
                p["$due"].Value = followUp ? due.ToString("yyyy-MM-dd") : DBNull.Value;
                p["$met"].Value = followUp ? (slot.Date <= due ? 1 : 0) : DBNull.Value;
                p["$now"].Value = DateTimeOffset.UtcNow.UtcTicks;
                await insert.ExecuteNonQueryAsync();
                count++;
            }
        }
        await tx.CommitAsync();
        await using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE;";
            await analyze.ExecuteNonQueryAsync();
        }
        await File.WriteAllTextAsync(path + Marker, $"{count} appointments");
        Console.WriteLine($"Seeded {Providers} providers and {count} appointments in {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>A fresh copy of the data set for a benchmark that writes to it.</summary>
    public static string CopyOf(string name)
    {
        // Pooled connections would still point at the previous copy's (deleted) file.
        SqliteConnection.ClearAllPools();
        var target = Path.Combine(Path.GetDirectoryName(DefaultPath)!, name);
        foreach (var f in new[] { target, target + "-wal", target + "-shm" }) File.Delete(f);
        File.Copy(DefaultPath, target);
        return target;
    }

    public static List<Slot> SlotsOfAProvider(ProgramZone zone)
    {
        var calendar = new SlotCalendar(zone, new HashSet<DateOnly>(), 60);
        var pattern = new SlotPattern(6, WeekdaySet.Of([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday]),
            new TimeOnly(9, 0), ProgramStart, ProgramStart.AddDays(55), new HashSet<DateOnly>());
        return calendar.Slots(pattern, ProgramStart, ProgramStart.AddDays(55)).ToList();
    }
}
