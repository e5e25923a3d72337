namespace Contingency.Tests.Support;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// The real service over a real SQLite file built by the migrations, with time under the test's control.
/// One instance per test class (a fresh database each), or several over one file to test restarts.
/// </summary>
public sealed class ContingencyApp : WebApplicationFactory<Program>
{
    /// <summary>Tests run on 2027-02-01, a month before the sample program starts.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2027, 2, 1, 16, 0, 0, TimeSpan.Zero);

    public ContingencyApp() : this(TempDatabase.NewPath(), null) { }

    /// <summary>A service over an existing database file: a second node, or the same one after a restart.</summary>
    public static ContingencyApp Over(string databasePath, FakeTimeProvider? clock = null) => new(databasePath, clock);

    private ContingencyApp(string databasePath, FakeTimeProvider? clock)
    {
        DatabasePath = databasePath;
        Clock = clock ?? new FakeTimeProvider(DefaultNow);
    }

    public string DatabasePath { get; }
    public FakeTimeProvider Clock { get; }
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Contingency", $"Data Source={DatabasePath}");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public Api Api() => new(CreateClient());
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
