namespace Contingency.Benchmarks;

using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Contingency.Data.Calendar;
using Contingency.Infrastructure.Security;
using Npgsql;

/// <summary>
/// Bookings over real HTTP: the service runs as its own process on loopback over a copy of the
/// seeded data set (on PostgreSQL as one node or a cluster of several, each its own process and port,
/// the clients spread round-robin over them), and 32 clients book free slots as fast as it answers.
/// One slot in ten is asked for a second time by another client, so those answers must be 409
/// slot-taken. The floor is the same inserts sent straight to the database by 32 connections, on
/// another copy: the schema's booking trigger fires for them as it does for the service. Both first
/// book 3,000 other free slots (of other providers) unmeasured, so the figures are of code the
/// runtime has finished optimizing, as in a service that has been up for a while, not of its first
/// seconds. Every process's CPU time during each measured part is read from /proc, to say where the
/// two cores went.
/// </summary>
public static class LoadTest
{
    private const int Clients = 32;
    private const int DistinctSlots = 30_000;
    private const int WarmUpSlots = 3_000;
    private const int FirstPort = 5199;

    public static async Task RunAsync(int nodes)
    {
        await Seed.EnsureAsync();
        var attempts = Attempts(firstProvider: 0, DistinctSlots, repeatEvery: 10);
        var warmUp = Attempts(firstProvider: 1, WarmUpSlots, repeatEvery: 0);
        Console.WriteLine($"{BenchDatabase.Name}, {nodes} node(s): {attempts.Count} booking requests for {attempts.Distinct().Count()} distinct free slots, " +
                          $"{Clients} clients, after {warmUp.Count} unmeasured ones for other providers' slots");

        var external = Environment.GetEnvironmentVariable("CONTINGENCY_LOAD_EXTERNAL") == "1";
        var serviceDb = external ? BenchDatabase.Of("load-service") : await BenchDatabase.CopyAsync("load-service");
        var service = await DriveServiceAsync(serviceDb, nodes, external, warmUp, attempts);
        var (doubles, held) = await VerifyAsync(serviceDb);
        Console.WriteLine($"service: {attempts.Count / service.Seconds:F0} requests/s, {service.Created / service.Seconds:F0} bookings/s " +
                          $"({service.Created} created, {service.Conflicts} slot-taken, {service.Errors} other) in {service.Seconds:F1} s; " +
                          $"peak RSS {string.Join(", ", service.PeakMb.Select((mb, i) => $"node-{i + 1} {mb} MB"))}");
        Console.WriteLine($"service: {held} slots held after the run, {doubles} double bookings");
        Console.WriteLine($"service: {service.Cpu}");
        if (!external) await BenchDatabase.DropCopyAsync("load-service");

        var floorDb = await BenchDatabase.CopyAsync("load-floor");
        await DriveRawInsertsAsync(floorDb, warmUp);
        var before = CpuUse.Now();
        var floor = await DriveRawInsertsAsync(floorDb, attempts);
        var floorCpu = CpuUse.Now().Since(before, floor.Seconds, await SessionsAsync(floorDb), []);
        await BenchDatabase.DropCopyAsync("load-floor");
        Console.WriteLine($"floor:   {attempts.Count / floor.Seconds:F0} inserts/s, {floor.Inserted / floor.Seconds:F0} rows/s " +
                          $"({floor.Inserted} inserted, {floor.Refused} refused) in {floor.Seconds:F1} s");
        Console.WriteLine($"floor:   {floorCpu}");
        Console.WriteLine($"ratio:   service takes {service.Seconds / floor.Seconds:F1}x the floor's time");
    }

    /// <summary>
    /// Free slots of every other provider from <paramref name="firstProvider"/>, shuffled; every
    /// <paramref name="repeatEvery"/>-th one is asked for twice (0: none).
    /// </summary>
    internal static List<(string ProviderId, DateTimeOffset Start)> Attempts(int firstProvider, int distinct, int repeatEvery)
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

    /// <summary>
    /// The service's side of <see cref="RunAsync"/> alone, one node, with extra settings for its process
    /// (<see cref="TelemetryOverhead"/>): requests per second and the node's CPU seconds per request.
    /// </summary>
    public static async Task<(double RequestsPerSecond, double CpuMsPerRequest, string Cpu)> MeasureServiceAsync(IReadOnlyDictionary<string, string> settings)
    {
        var attempts = Attempts(firstProvider: 0, DistinctSlots, repeatEvery: 10);
        var warmUp = Attempts(firstProvider: 1, WarmUpSlots, repeatEvery: 0);
        var serviceDb = await BenchDatabase.CopyAsync("load-service");
        try
        {
            var run = await DriveServiceAsync(serviceDb, 1, external: false, warmUp, attempts, settings);
            if (run.Errors != 0 || run.Created != DistinctSlots) throw new InvalidOperationException($"{run.Created} booked, {run.Errors} errors.");
            return (attempts.Count / run.Seconds, run.NodeCpuSeconds * 1000 / attempts.Count, run.Cpu);
        }
        finally
        {
            await BenchDatabase.DropCopyAsync("load-service");
        }
    }

    private sealed record ServiceRun(double Seconds, int Created, int Conflicts, int Errors, long[] PeakMb, string Cpu, double NodeCpuSeconds);

    private static async Task<ServiceRun> DriveServiceAsync(string database, int nodes, bool external,
        List<(string ProviderId, DateTimeOffset Start)> warmUp, List<(string ProviderId, DateTimeOffset Start)> attempts,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var urls = Enumerable.Range(0, nodes).Select(i => $"http://127.0.0.1:{FirstPort + i}").ToArray();
        var services = new List<Process>();
        try
        {
            // Profiling: CONTINGENCY_LOAD_EXTERNAL=1 drives nodes started by hand on the same ports over
            // the copy load-service (they must trust the signing key below as Auth__SigningKey).
            if (!external) services.AddRange(urls.Select((url, i) => Start(database, url, $"bench-node-{i + 1}", settings)));
            var http = urls.Select(Client).ToArray();
            foreach (var node in http) await WaitReadyAsync(node);
            var (_, warmed, _, warmErrors) = await DriveAsync(http, warmUp);
            if (warmed != warmUp.Count || warmErrors != 0)
                throw new InvalidOperationException($"Warm-up booked {warmed} of {warmUp.Count} slots ({warmErrors} errors).");
            var before = CpuUse.Now();
            var (seconds, created, conflicts, errors) = await DriveAsync(http, attempts);
            var after = CpuUse.Now();
            var nodeIds = services.Select((s, i) => (s.Id, $"node-{i + 1}")).ToDictionary();
            var cpu = after.Since(before, seconds, await SessionsAsync(database), nodeIds);
            return new ServiceRun(seconds, created, conflicts, errors, services.Select(s => PeakResidentMb(s.Id)).ToArray(), cpu,
                nodeIds.Keys.Sum(pid => after.SecondsOf(pid) - before.SecondsOf(pid)));
        }
        finally
        {
            foreach (var service in services)
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync();
                service.Dispose();
            }
        }
    }

    internal static Process Start(string database, string url, string instanceId, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(RepoRoot(), "src", "Contingency", "bin", "Release", "net10.0", "Contingency.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"Build the service first: dotnet build -c Release ({dll})");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var (key, value) in BenchDatabase.ServiceSettings(database)) start.Environment[key.Replace(":", "__")] = value;
        if (BenchDatabase.IsPostgres)
        {
            // One node or several, always as a cluster would run them: each names itself.
            start.Environment["Scheduler__Clustered"] = "true";
            start.Environment["Scheduler__InstanceId"] = instanceId;
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Auth__SigningKey"] = SigningKey;
        // One scheduling system sends every booking here; the per-caller limit (50/s by default) is
        // lifted so the figure is the booking path's, not the limiter's.
        start.Environment["RateLimiting__Burst"] = "1000000";
        start.Environment["RateLimiting__PermitsPerSecond"] = "1000000";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var service = Process.Start(start)!;
        service.OutputDataReceived += (_, _) => { };
        service.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"{instanceId}: {e.Data}"); };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        return service;
    }

    /// <summary>The key the service under load trusts (the external mode must be started with it as Auth__SigningKey).</summary>
    private const string SigningKey = "contingency-benchmark-signing-key-0123456789";

    internal static HttpClient Client(string url)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = new Uri(url) };
        var token = Tokens.Create(Encoding.UTF8.GetBytes(SigningKey), Authentication.DefaultIssuer, Authentication.DefaultAudience,
            "load-test", [Roles.Scheduling], null, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>The clients take the attempts in turn; client c sends its requests to node c mod the number of nodes.</summary>
    private static async Task<(double Seconds, int Created, int Conflicts, int Errors)> DriveAsync(
        HttpClient[] nodes, List<(string ProviderId, DateTimeOffset Start)> attempts)
    {
        var next = -1;
        int created = 0, conflicts = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            var http = nodes[client % nodes.Length];
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

    internal static async Task WaitReadyAsync(HttpClient http)
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
        throw new TimeoutException($"The service at {http.BaseAddress} did not become ready.");
    }

    /// <summary>VmHWM: the most resident memory the process ever had.</summary>
    private static long PeakResidentMb(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:"))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).Single();

    /// <summary>
    /// The floor: each of 32 connections inserts the appointment row the service would, one statement
    /// each (prepared), and counts the unique index's refusals.
    /// </summary>
    private static async Task<(double Seconds, int Inserted, int Refused)> DriveRawInsertsAsync(
        string database, List<(string ProviderId, DateTimeOffset Start)> attempts)
    {
        var next = -1;
        int inserted = 0, refused = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            await using var connection = await BenchDatabase.OpenAsync(BenchDatabase.IsPostgres ? database : database + ";Default Timeout=30");
            if (!BenchDatabase.IsPostgres)
            {
                await using var pragmas = connection.CreateCommand();
                pragmas.CommandText = "PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;";
                await pragmas.ExecuteNonQueryAsync();
            }
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO "Appointments" ("Id", "ProgramId", "ProviderId", "CommitmentId", "Region", "LicenseType", "Start", "End", "LocalDate",
                    "Status", "Kind", "MemberRef", "Modality", "CreatedAt", "UpdatedAt", "HeldSlot")
                VALUES (@id, @program, @provider, @commitment, @region, @license, @start, @end, @date, 'booked', 'intake',
                    @member, 'video', @now, @now, @start)
                """;
            var p = new[] { "id", "program", "provider", "commitment", "region", "license", "start", "end", "date", "member", "now" }
                .ToDictionary(name => name, name =>
                {
                    var parameter = insert.CreateParameter();
                    parameter.ParameterName = name;
                    insert.Parameters.Add(parameter);
                    return parameter;
                });
            int i;
            var prepared = false;
            while ((i = Interlocked.Increment(ref next)) < attempts.Count)
            {
                var (providerId, slotStart) = attempts[i];
                var n = int.Parse(providerId[5..]);
                p["id"].Value = Guid.CreateVersion7().ToString("N");
                p["program"].Value = Seed.ProgramId;
                p["provider"].Value = providerId;
                p["commitment"].Value = "comm-" + providerId[5..];
                p["region"].Value = Seed.Regions[n % Seed.Regions.Length];
                p["license"].Value = n % 2 == 0 ? "LMFT" : "LCSW";
                p["start"].Value = Instant(slotStart);
                p["end"].Value = Instant(slotStart.AddHours(1));
                p["date"].Value = BenchDatabase.IsPostgres ? DateOnly.FromDateTime(slotStart.DateTime) : slotStart.ToString("yyyy-MM-dd");
                p["member"].Value = $"L-{client}-{i}";
                p["now"].Value = Instant(DateTimeOffset.UtcNow);
                // Prepared once its parameters have values, from which Npgsql takes their types.
                if (!prepared) await insert.PrepareAsync();
                prepared = true;
                try
                {
                    await insert.ExecuteNonQueryAsync();
                    Interlocked.Increment(ref inserted);
                }
                catch (DbException e) when (BenchDatabase.Provider.IsUniqueViolation(e))
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })));
        return (clock.Elapsed.TotalSeconds, inserted, refused);
    }

    /// <summary>An instant as the schema stores it: UTC ticks on SQLite, a UTC timestamptz on PostgreSQL.</summary>
    private static object Instant(DateTimeOffset instant) => BenchDatabase.IsPostgres ? instant.UtcDateTime : instant.UtcTicks;

    private static async Task<(long Doubles, long Held)> VerifyAsync(string database)
    {
        await using var connection = await BenchDatabase.OpenAsync(database);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM "Appointments" WHERE "HeldSlot" IS NOT NULL GROUP BY "ProviderId", "HeldSlot" HAVING COUNT(*) > 1) d),
                   (SELECT COUNT(*) FROM "Appointments" WHERE "HeldSlot" IS NOT NULL)
            """;
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)));
    }

    /// <summary>The server processes serving <paramref name="database"/> (PostgreSQL: one per connection; none on SQLite).</summary>
    private static async Task<HashSet<int>> SessionsAsync(string database)
    {
        if (!BenchDatabase.IsPostgres) return [];
        await using var connection = await BenchDatabase.OpenAsync(BenchDatabase.Unpooled(database));
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
        var pids = new HashSet<int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) pids.Add(reader.GetInt32(0));
        return pids;
    }

    /// <summary>
    /// The CPU time of every process and of the whole machine, read from /proc: two readings say
    /// which processes used the cores in between. Time of processes that ended in between shows only
    /// in the machine's total, under "other".
    /// </summary>
    private sealed class CpuUse
    {
        private const double TicksPerSecond = 100; // USER_HZ
        private readonly Dictionary<int, (string Name, long Ticks)> processes = [];
        private long busy;
        private long total;

        public static CpuUse Now()
        {
            var use = new CpuUse();
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
            // user nice system idle iowait irq softirq steal
            use.busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7];
            use.total = use.busy + cpu[3] + cpu[4];
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    use.processes[pid] = (name, long.Parse(fields[11]) + long.Parse(fields[12])); // utime + stime
                }
                catch (IOException) { } // ended meanwhile
            }
            return use;
        }

        /// <summary>The CPU seconds a process had used at this reading.</summary>
        public double SecondsOf(int pid) => processes.TryGetValue(pid, out var p) ? p.Ticks / TicksPerSecond : 0;

        /// <summary>Cores used since <paramref name="start"/>, by process group: the nodes, the database, the load driver, everything else.</summary>
        public string Since(CpuUse start, double seconds, HashSet<int> databaseSessions, Dictionary<int, string> nodes)
        {
            var groups = new Dictionary<string, long>();
            foreach (var name in nodes.Values) groups[name] = 0;
            foreach (var (pid, (name, ticks)) in processes)
            {
                var used = ticks - (start.processes.TryGetValue(pid, out var then) && then.Name == name ? then.Ticks : 0);
                var group = nodes.TryGetValue(pid, out var node) ? node
                    : pid == Environment.ProcessId ? "load driver"
                    : name == "postgres" ? databaseSessions.Contains(pid) ? "postgres sessions" : "postgres, other processes"
                    : "other";
                groups[group] = groups.GetValueOrDefault(group) + used;
            }
            var machineBusy = busy - start.busy;
            groups["other"] = groups.GetValueOrDefault("other") + Math.Max(0, machineBusy - groups.Values.Sum());
            var cores = (total - start.total) / TicksPerSecond / seconds;
            return $"CPU over {seconds:F1} s, in cores of {cores:F1}: " +
                   string.Join(", ", groups.Where(g => g.Value > 0 || nodes.ContainsValue(g.Key)).Select(g => $"{g.Key} {g.Value / TicksPerSecond / seconds:F2}")) +
                   $", idle {(total - start.total - machineBusy) / TicksPerSecond / seconds:F2}";
        }
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Contingency.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
    }
}
