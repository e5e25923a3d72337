namespace Contingency.Benchmarks;

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Contingency.Data.Calendar;
using Contingency.Infrastructure.Security;
using Microsoft.Data.Sqlite;

/// <summary>
/// Bookings over real HTTP: the service runs as its own process on loopback over a copy of the
/// seeded file, and 32 clients book free slots as fast as it answers. One slot in ten is asked for a
/// second time by another client, so those answers must be 409 slot-taken. The floor is the same
/// inserts sent straight to SQLite by 32 connections. Both first book 3,000 other free slots (of
/// other providers) unmeasured, so the figures are of code the runtime has finished optimizing, as
/// in a service that has been up for a while, not of its first seconds.
/// </summary>
public static class LoadTest
{
    private const int Clients = 32;
    private const int DistinctSlots = 30_000;
    private const int WarmUpSlots = 3_000;
    private const string Url = "http://127.0.0.1:5199";

    public static async Task RunAsync()
    {
        await Seed.EnsureAsync();
        var attempts = Attempts(firstProvider: 0, DistinctSlots, repeatEvery: 10);
        var warmUp = Attempts(firstProvider: 1, WarmUpSlots, repeatEvery: 0);
        Console.WriteLine($"{attempts.Count} booking requests for {attempts.Distinct().Count()} distinct free slots, {Clients} clients, " +
                          $"after {warmUp.Count} unmeasured ones for other providers' slots");

        var serviceDb = Environment.GetEnvironmentVariable("CONTINGENCY_LOAD_EXTERNAL") == "1"
            ? Path.Combine(BenchDatabase.Directory, "load-service.db")
            : new SqliteConnectionStringBuilder(await BenchDatabase.CopyAsync("load-service")).DataSource;
        var (serviceSeconds, created, conflicts, errors, peakMb) = await DriveServiceAsync(serviceDb, warmUp, attempts);
        var (doubles, held) = Verify(serviceDb);
        Console.WriteLine($"service: {attempts.Count / serviceSeconds:F0} requests/s, {created / serviceSeconds:F0} bookings/s " +
                          $"({created} created, {conflicts} slot-taken, {errors} other) in {serviceSeconds:F1} s; peak RSS {peakMb} MB");
        Console.WriteLine($"service: {held} slots held after the run, {doubles} double bookings");

        var floorDb = new SqliteConnectionStringBuilder(await BenchDatabase.CopyAsync("load-floor")).DataSource;
        await DriveRawInsertsAsync(floorDb, warmUp);
        var (floorSeconds, floorCreated, floorConflicts) = await DriveRawInsertsAsync(floorDb, attempts);
        Console.WriteLine($"floor:   {attempts.Count / floorSeconds:F0} inserts/s, {floorCreated / floorSeconds:F0} rows/s " +
                          $"({floorCreated} inserted, {floorConflicts} refused) in {floorSeconds:F1} s");
        Console.WriteLine($"ratio:   service takes {serviceSeconds / floorSeconds:F1}x the floor's time");
    }

    /// <summary>
    /// Free slots of every other provider from <paramref name="firstProvider"/>, shuffled; every
    /// <paramref name="repeatEvery"/>-th one is asked for twice (0: none).
    /// </summary>
    private static List<(string ProviderId, DateTimeOffset Start)> Attempts(int firstProvider, int distinct, int repeatEvery)
    {
        var zone = ProgramZone.Find("America/Los_Angeles");
        var slots = Seed.SlotsOfAProvider(zone);
        var free = new List<(string, DateTimeOffset)>();
        for (var i = firstProvider; i < Seed.Providers && free.Count < distinct; i += 2)
            for (var s = 0; s < slots.Count && free.Count < distinct; s += 4)
                if ((s * 7 + i) % 12 >= 5) free.Add((Seed.ProviderId(i), zone.ToLocal(slots[s].Start)));
        var random = new Random(42);
        var requests = free.Concat(free.Where((_, i) => repeatEvery > 0 && i % repeatEvery == 0)).ToArray();
        random.Shuffle(requests);
        return requests.ToList();
    }


    private static async Task<(double Seconds, int Created, int Conflicts, int Errors, long PeakMb)> DriveServiceAsync(
        string database, List<(string ProviderId, DateTimeOffset Start)> warmUp, List<(string ProviderId, DateTimeOffset Start)> attempts)
    {
        if (Environment.GetEnvironmentVariable("CONTINGENCY_LOAD_EXTERNAL") == "1")
        {
            // Profiling: drive a service started by hand on the same port over load-service.db.
            using var external = Client();
            await WaitReadyAsync(external);
            await DriveAsync(external, warmUp);
            var (s, c, k, e) = await DriveAsync(external, attempts);
            return (s, c, k, e, 0);
        }
        var dll = Path.Combine(RepoRoot(), "src", "Contingency", "bin", "Release", "net10.0", "Contingency.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"Build the service first: dotnet build -c Release ({dll})");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", Url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ConnectionStrings__Contingency"] = $"Data Source={database}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Auth__SigningKey"] = SigningKey;
        // One scheduling system sends every booking here; the per-caller limit (50/s by default) is
        // lifted so the figure is the booking path's, not the limiter's.
        start.Environment["RateLimiting__Burst"] = "1000000";
        start.Environment["RateLimiting__PermitsPerSecond"] = "1000000";
        using var service = Process.Start(start)!;
        service.OutputDataReceived += (_, _) => { };
        service.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        try
        {
            using var http = Client();
            await WaitReadyAsync(http);
            var (_, warmed, _, warmErrors) = await DriveAsync(http, warmUp);
            if (warmed != warmUp.Count || warmErrors != 0)
                throw new InvalidOperationException($"Warm-up booked {warmed} of {warmUp.Count} slots ({warmErrors} errors).");
            var (seconds, created, conflicts, errors) = await DriveAsync(http, attempts);
            return (seconds, created, conflicts, errors, PeakResidentMb(service.Id));
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }

    /// <summary>The key the service under load trusts (the external mode must be started with it as Auth__SigningKey).</summary>
    private const string SigningKey = "contingency-benchmark-signing-key-0123456789";

    private static HttpClient Client()
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = new Uri(Url) };
        var token = Tokens.Create(Encoding.UTF8.GetBytes(SigningKey), Authentication.DefaultIssuer, Authentication.DefaultAudience,
            "load-test", [Roles.Scheduling], null, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<(double Seconds, int Created, int Conflicts, int Errors)> DriveAsync(
        HttpClient http, List<(string ProviderId, DateTimeOffset Start)> attempts)
    {
        var next = -1;
        int created = 0, conflicts = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < attempts.Count)
            {
                var (providerId, slotStart) = attempts[i];
                using var response = await http.PostAsJsonAsync("/api/appointments", new
                {
                    providerId, start = slotStart, memberRef = $"L-{client}-{i}", kind = "intake", modality = "video",
                });
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Created: Interlocked.Increment(ref created); break;
                    case HttpStatusCode.Conflict: Interlocked.Increment(ref conflicts); break;
                    default: Interlocked.Increment(ref errors); break;
                }
            }
        }));
        return (clock.Elapsed.TotalSeconds, created, conflicts, errors);
    }

    private static async Task WaitReadyAsync(HttpClient http)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The service did not become ready.");
    }

    /// <summary>VmHWM: the most resident memory the process ever had.</summary>
    private static long PeakResidentMb(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:"))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).Single();

    private static async Task<(double Seconds, int Inserted, int Refused)> DriveRawInsertsAsync(
        string database, List<(string ProviderId, DateTimeOffset Start)> attempts)
    {
        var next = -1;
        int inserted = 0, refused = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            await using var connection = new SqliteConnection($"Data Source={database};Default Timeout=30");
            await connection.OpenAsync();
            await using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;";
                await pragmas.ExecuteNonQueryAsync();
            }
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO Appointments (Id, ProgramId, ProviderId, CommitmentId, Region, LicenseType, Start, "End", LocalDate, Status, Kind,
                    MemberRef, Modality, CreatedAt, UpdatedAt, HeldSlot)
                VALUES ($id, $program, $provider, $commitment, $region, $license, $start, $end, $date, 'booked', 'intake',
                    $member, 'video', $now, $now, $start)
                """;
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var program = insert.Parameters.Add("$program", SqliteType.Text);
            var provider = insert.Parameters.Add("$provider", SqliteType.Text);
            var commitment = insert.Parameters.Add("$commitment", SqliteType.Text);
            var region = insert.Parameters.Add("$region", SqliteType.Text);
            var license = insert.Parameters.Add("$license", SqliteType.Text);
            var start = insert.Parameters.Add("$start", SqliteType.Integer);
            var end = insert.Parameters.Add("$end", SqliteType.Integer);
            var date = insert.Parameters.Add("$date", SqliteType.Text);
            var member = insert.Parameters.Add("$member", SqliteType.Text);
            var now = insert.Parameters.Add("$now", SqliteType.Integer);
            int i;
            while ((i = Interlocked.Increment(ref next)) < attempts.Count)
            {
                var (providerId, slotStart) = attempts[i];
                id.Value = Guid.CreateVersion7().ToString("N");
                program.Value = Seed.ProgramId;
                provider.Value = providerId;
                commitment.Value = "comm-" + providerId[5..];
                var n = int.Parse(providerId[5..]);
                region.Value = Seed.Regions[n % Seed.Regions.Length];
                license.Value = n % 2 == 0 ? "LMFT" : "LCSW";
                start.Value = slotStart.UtcTicks;
                end.Value = slotStart.AddHours(1).UtcTicks;
                date.Value = slotStart.ToString("yyyy-MM-dd");
                member.Value = $"L-{client}-{i}";
                now.Value = DateTimeOffset.UtcNow.UtcTicks;
                try
                {
                    await insert.ExecuteNonQueryAsync();
                    Interlocked.Increment(ref inserted);
                }
                catch (SqliteException e) when (e.SqliteExtendedErrorCode == 2067)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })));
        return (clock.Elapsed.TotalSeconds, inserted, refused);
    }

    private static (long Doubles, long Held) Verify(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM Appointments WHERE HeldSlot IS NOT NULL GROUP BY ProviderId, HeldSlot HAVING COUNT(*) > 1)),
                   (SELECT COUNT(*) FROM Appointments WHERE HeldSlot IS NOT NULL)
            """;
        using var reader = cmd.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Contingency.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
    }
}
