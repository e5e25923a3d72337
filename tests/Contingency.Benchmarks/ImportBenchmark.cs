namespace Contingency.Benchmarks;

using System.Data.Common;
using System.Diagnostics;
using System.Text;
using Contingency.Features.Providers;
using Mediator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// A roster of 5,000 new providers imported into the data set (which holds 10,000 already, so the
/// check for enrolled NPIs reads a real index). An import changes the database, so each repetition
/// starts from a fresh copy and the median of a plain stopwatch is reported, as for the payment run.
/// The service's import goes through Mediator in process, CSV bytes in: parsing, validating each row,
/// the duplicate check, the inserts and their audit entries. The floor inserts the same 5,000 rows in
/// raw SQL, one prepared INSERT per row in one transaction, with no parsing, validation or audit.
/// </summary>
public static class ImportBenchmark
{
    private const int Repetitions = 5;
    private const int Rows = 5000;

    public static async Task RunAsync()
    {
        await Seed.EnsureAsync();
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CONTINGENCY", Path.Combine(LoadTest.RepoRoot(), "src", "Contingency"));
        var roster = Roster();
        Console.WriteLine($"{BenchDatabase.Name}: {Rows} rows ({roster.Length / 1024} KiB of CSV), {Repetitions} repetitions, each on a fresh copy of the data set");
        var ours = new List<double>();
        var floor = new List<double>();
        for (var i = 0; i < Repetitions; i++)
        {
            ours.Add(await OursAsync(await BenchDatabase.CopyAsync("import-ours"), roster));
            floor.Add(await FloorAsync(await BenchDatabase.CopyAsync("import-floor")));
        }
        await BenchDatabase.DropCopyAsync("import-ours");
        await BenchDatabase.DropCopyAsync("import-floor");
        Console.WriteLine($"service: {Median(ours):F0} ms (all: {string.Join(", ", ours.Select(x => x.ToString("F0")))})");
        Console.WriteLine($"floor  : {Median(floor):F0} ms (all: {string.Join(", ", floor.Select(x => x.ToString("F0")))})");
        Console.WriteLine($"ratio:   {Median(ours) / Median(floor):F1}x");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    // NPIs 1xxxxxxxx-: apart from the data set's, which start with 0.
    private static string NpiOf(int i)
    {
        var nine = $"1{i:D8}";
        return nine + Contingency.Data.Npi.CheckDigit(nine);
    }

    private static byte[] Roster()
    {
        var csv = new StringBuilder("name,npi,licenseType,licenseNumber,email,region,modalities,languages\r\n");
        for (var i = 0; i < Rows; i++)
            csv.Append($"Imported Provider {i},{NpiOf(i)},{(i % 2 == 0 ? "LMFT" : "PsyD")},L-{i},i{i}@example.org,{Seed.Regions[i % Seed.Regions.Length]},video;phone,en;es\r\n");
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private static async Task<double> OursAsync(string database, byte[] roster)
    {
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in BenchDatabase.ServiceSettings(database)) b.UseSetting(key, value);
            b.UseSetting("Scheduler:AutoStart", "false");
            b.UseSetting("Auth:SigningKey", "contingency-benchmark-signing-key-0123456789");
            b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Seed.FirstPaymentMoment)));
        });
        await using var scope = app.Services.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();

        var clock = Stopwatch.StartNew();
        var report = await sender.Send(new ImportRoster(roster));
        var ms = clock.Elapsed.TotalMilliseconds;
        if (report.Created != Rows) throw new InvalidOperationException($"The import created {report.Created} of {Rows} providers.");
        return ms;
    }

    private static async Task<double> FloorAsync(string database)
    {
        await using var connection = await BenchDatabase.OpenAsync(database);
        var clock = Stopwatch.StartNew();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO "Providers" ("Id", "Name", "Npi", "LicenseType", "LicenseNumber", "Email", "Region", "Modalities", "Languages", "Status", "CreatedAt")
                VALUES (@id, @name, @npi, @licenseType, @licenseNumber, @email, @region, @modalities, @languages, 'active', @now)
                """;
            var parameters = new[] { "id", "name", "npi", "licenseType", "licenseNumber", "email", "region", "modalities", "languages", "now" }
                .ToDictionary(n => n, n => Add(cmd, n));
            // Lists and instants as each schema stores them: JSON text and UTC ticks on SQLite, text[] and timestamptz on PostgreSQL.
            parameters["modalities"].Value = BenchDatabase.IsPostgres ? new[] { "video", "phone" } : """["video","phone"]""";
            parameters["languages"].Value = BenchDatabase.IsPostgres ? new[] { "en", "es" } : """["en","es"]""";
            parameters["now"].Value = BenchDatabase.IsPostgres ? Seed.FirstPaymentMoment.UtcDateTime : Seed.FirstPaymentMoment.UtcTicks;
            await cmd.PrepareAsync();
            for (var i = 0; i < Rows; i++)
            {
                parameters["id"].Value = $"imp-{i:D5}";
                parameters["name"].Value = $"Imported Provider {i}";
                parameters["npi"].Value = NpiOf(i);
                parameters["licenseType"].Value = i % 2 == 0 ? "LMFT" : "PsyD";
                parameters["licenseNumber"].Value = $"L-{i}";
                parameters["email"].Value = $"i{i}@example.org";
                parameters["region"].Value = Seed.Regions[i % Seed.Regions.Length];
                await cmd.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        return clock.Elapsed.TotalMilliseconds;
    }

    private static DbParameter Add(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        // Typed before Prepare: PostgreSQL prepares with the parameters' types.
        parameter.Value = "";
        command.Parameters.Add(parameter);
        return parameter;
    }
}
