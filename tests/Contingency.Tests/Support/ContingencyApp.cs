namespace Contingency.Tests.Support;

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Contingency.Infrastructure.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// The real service over a real database built by the migrations (an SQLite file, or a PostgreSQL
/// database when <see cref="TestDatabase.PostgresVariable"/> is set), with time under the test's control.
/// One instance per test class (a fresh database each), or several over one database to test restarts.
/// Disposing it runs the log scan: it fails if any line this service logged, or any problem body it
/// answered, carries a value it was sent that is classified or secret (see <see cref="SentValues"/>).
/// </summary>
public sealed class ContingencyApp : WebApplicationFactory<Program>
{
    /// <summary>Tests run on 2027-02-01, a month before the sample program starts.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2027, 2, 1, 16, 0, 0, TimeSpan.Zero);

    /// <summary>A service over a fresh database of its own, dropped with it (a PostgreSQL one; an SQLite file stays in the temp folder).</summary>
    public ContingencyApp() : this(TempDatabase.NewPath(), null, realTime: false) => ownsDatabase = true;

    private readonly bool ownsDatabase;

    /// <summary>A service over an existing database file: a second node, or the same one after a restart.</summary>
    public static ContingencyApp Over(string databasePath, FakeTimeProvider? clock = null) => new(databasePath, clock, realTime: false);

    /// <summary>A service on the real clock, for tests where Quartz must fire for real.</summary>
    public static ContingencyApp OnRealTime(string databasePath) => new(databasePath, null, realTime: true);

    private ContingencyApp(string databasePath, FakeTimeProvider? clock, bool realTime = false)
    {
        DatabasePath = databasePath;
        Clock = clock ?? new FakeTimeProvider(DefaultNow);
        RealTime = realTime;
        Sent = SentValues.For(databasePath);
        Sent.Record("signing key", SigningKey);
        Sent.Record("connection string", ConnectionString);
        if (!TestDatabase.IsPostgres)
            Sent.Record("connection string", new SqliteConnectionStringBuilder(ConnectionString) { DefaultTimeout = 30 }.ToString());
    }

    public string DatabasePath { get; }
    public FakeTimeProvider Clock { get; }
    public bool RealTime { get; }

    /// <summary>False keeps Quartz from firing, for tests that release payments by hand on a moving clock.</summary>
    public bool SchedulerRuns { get; set; } = true;

    /// <summary>Interceptors the test adds to the service's DbContext (fault injection).</summary>
    public List<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor> Interceptors { get; } = [];
    public CapturedLogs Logs { get; } = new();

    /// <summary>What this service (and any other over the same database) was sent that no log line may carry.</summary>
    public SentValues Sent { get; }

    public string ConnectionString => TestDatabase.ConnectionString(DatabasePath);

    /// <summary>An open connection to this service's database, to read it behind the service's back.</summary>
    public System.Data.Common.DbConnection OpenDatabase() => TestDatabase.Open(DatabasePath);

    private int scanned;

    /// <summary>The shared key the test service trusts; tests sign their tokens with it.</summary>
    public const string SigningKey = "contingency-tests-signing-key-0123456789";

    /// <summary>The subject of the admin token every client of <see cref="CreateClient()"/> carries.</summary>
    public const string AdminSubject = "test-admin";

    /// <summary>Settings a test adds or overrides (rate limits, another audience, ...), before the first client.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>A token for the test service; lifetimes count on the service's clock, which tests move.</summary>
    public string Token(string subject, IReadOnlyList<string> roles, string? providerId = null, TimeSpan? lifetime = null,
        string? key = null, string audience = Authentication.DefaultAudience, DateTimeOffset? issuedAt = null)
    {
        Sent.Record("signing key", key);
        var token = Tokens.Create(Encoding.UTF8.GetBytes(key ?? SigningKey), Authentication.DefaultIssuer, audience, subject, roles, providerId,
            issuedAt ?? Now, lifetime ?? TimeSpan.FromDays(3650));
        Sent.Record("token", token);
        return token;
    }

    public DateTimeOffset Now => RealTime ? DateTimeOffset.UtcNow : Clock.GetUtcNow();

    /// <summary>A client sending <paramref name="token"/> (none when null) instead of the admin token.</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public Api ApiAs(string subject, params string[] roles) => new(ClientWith(Token(subject, roles)));

    public Api ApiAsProvider(string providerId) => new(ClientWith(Token($"provider:{providerId}", [Roles.Provider], providerId)));

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(AdminSubject, [Roles.Admin]));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // The screens' assets (FluentUI's, Plotly's, the framework's) from the packages and the project, as
        // Development serves them, from the manifest the build puts beside the tests.
        builder.UseStaticWebAssets();
        builder.UseSetting("Database:Provider", TestDatabase.Provider);
        builder.UseSetting("ConnectionStrings:Contingency", ConnectionString);
        // Each test makes its own database, on either provider: the service migrates it as it starts.
        builder.UseSetting("Database:MigrateOnStart", "true");
        // On PostgreSQL a generated key goes where SQLite keeps it by default (beside the file), not
        // into the project's data/ folder.
        if (TestDatabase.IsPostgres) builder.UseSetting("Auth:KeyFile", GeneratedKeyPath);
        builder.UseSetting("Scheduler:Name", $"contingency-test-{Path.GetFileNameWithoutExtension(DatabasePath)}");
        builder.UseSetting("Scheduler:AutoStart", SchedulerRuns ? "true" : "false");
        builder.UseSetting("Auth:SigningKey", SigningKey);
        // Tests book hundreds of slots in a blink with one token; the rate-limit tests set their own.
        builder.UseSetting("RateLimiting:Burst", "1000000");
        builder.UseSetting("RateLimiting:PermitsPerSecond", "1000000");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
            if (key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase)) Sent.Record("connection string", value);
            if (key.Equals("Auth:SigningKey", StringComparison.OrdinalIgnoreCase)) Sent.Record("signing key", value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            if (!RealTime) services.AddSingleton<TimeProvider>(Clock);
            // The screens call the API over HTTP: in memory, through the test server, unless on a real port.
            if (!OnKestrel)
                services.AddHttpClient(Contingency.Screens.ScreenApi.ClientName)
                    .ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler())
                    .ConfigureHttpClient(client => client.BaseAddress = new Uri("http://localhost/"));
            foreach (var interceptor in Interceptors) services.AddSingleton(interceptor);
            ConfigureServices?.Invoke(services);
            services.AddSingleton<IStartupFilter>(new RecordSentValues(Sent));
            services.PostConfigure<ProblemDetailsOptions>(o =>
            {
                var customize = o.CustomizeProblemDetails;
                o.CustomizeProblemDetails = context =>
                {
                    customize?.Invoke(context);
                    Logs.AddProblemBody(JsonSerializer.Serialize(context.ProblemDetails, context.ProblemDetails.GetType()));
                };
            });
        });
    }

    public override async ValueTask DisposeAsync()
    {
        var counts = started && Interlocked.CompareExchange(ref scanned, 0, 0) == 0 ? await BookedCountsProblemAsync() : null;
        await base.DisposeAsync();
        if (Interlocked.Exchange(ref scanned, 1) != 0) return;
        if (ownsDatabase) TestDatabase.Drop(DatabasePath);
        AssertLogsCarryNothingSent();
        if (counts is not null) throw new Xunit.Sdk.XunitException(counts);
    }

    private volatile bool started;

    private bool DatabaseGone()
    {
        if (!TestDatabase.IsPostgres) return !File.Exists(DatabasePath);
        try
        {
            using var connection = OpenDatabase();
            return false;
        }
        catch (System.Data.Common.DbException)
        {
            return true;
        }
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        started = true;
        return host;
    }

    /// <summary>
    /// Whatever the tests did, the database's booked counts (kept by triggers) must be exactly the held
    /// appointments grouped: checked as every service of the suite ends, on each provider it runs on.
    /// </summary>
    private async Task<string?> BookedCountsProblemAsync()
    {
        try
        {
            await using var scope = Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Contingency.Data.ContingencyDb>();
            // Both reads in one snapshot, so a write landing between them cannot make them differ.
            await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
            var counted = (await db.BookedCounts.AsNoTracking().Where(c => c.Count != 0).ToListAsync())
                .Select(c => (c.ProgramId, c.Region, c.LicenseType, c.LocalDate, c.Kind, c.TimelyAccess, c.Count))
                .Order().ToList();
            var held = (await db.Appointments.AsNoTracking().Where(a => a.HeldSlot != null)
                    .Select(a => new { a.ProgramId, a.Region, a.LicenseType, a.LocalDate, a.Kind, a.TimelyAccessMet }).ToListAsync())
                .GroupBy(a => (a.ProgramId, a.Region, a.LicenseType, a.LocalDate, a.Kind, a.TimelyAccessMet is null ? Contingency.Data.Entities.BookedCount.NotApplicable : a.TimelyAccessMet.Value ? 1 : 0))
                .Select(g => (g.Key.ProgramId, g.Key.Region, g.Key.LicenseType, g.Key.LocalDate, g.Key.Kind, g.Key.Item6, g.Count()))
                .Order().ToList();
            return counted.SequenceEqual(held) ? null
                : $"BookedCounts differ from the held appointments:\n counted {string.Join("; ", counted.Except(held).Take(5))}\n held {string.Join("; ", held.Except(counted).Take(5))}";
        }
        catch (Exception e) when (e is ObjectDisposedException || (e is System.Data.Common.DbException && DatabaseGone()))
        {
            // The service or its database went with the test (dropped, or a crash simulated): nothing to compare.
            return null;
        }
    }

    /// <summary>The log scan, over everything this service wrote so far.</summary>
    public void AssertLogsCarryNothingSent()
    {
        // A key the service made itself (no Auth:SigningKey) is as secret as a configured one.
        if (File.Exists(GeneratedKeyPath)) Sent.Record("signing key", File.ReadAllText(GeneratedKeyPath).Trim());
        var violations = Logs.Violations(Sent);
        if (violations.Count > 0)
            throw new Xunit.Sdk.XunitException(
                $"{violations.Count} log lines or problem bodies carry what the service was sent:\n" + string.Join("\n", violations.Take(20)));
    }

    public Api Api() => new(CreateClient());

    /// <summary>A test's own service changes, applied after the others.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Serving on a real loopback port (Kestrel), for a browser; set by <see cref="StartOnKestrel"/>.</summary>
    public bool OnKestrel { get; private set; }

    /// <summary>Starts the service on a free loopback port; <c>ClientOptions.BaseAddress</c> is its address.</summary>
    public Uri StartOnKestrel()
    {
        OnKestrel = true;
        UseKestrel(0);
        StartServer();
        return ClientOptions.BaseAddress;
    }

    private string GeneratedKeyPath => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(DatabasePath))!, Infrastructure.Security.SigningKey.FileName);
}

public static class TempDatabase
{
    public static string NewPath()
    {
        var dir = Path.Combine(Path.GetTempPath(), "contingency-tests");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $"{Guid.NewGuid():N}.db");
    }
}
