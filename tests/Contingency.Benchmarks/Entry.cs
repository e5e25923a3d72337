namespace Contingency.Benchmarks;

using BenchmarkDotNet.Running;

public static class Entry
{
    // dotnet run -c Release --project tests/Contingency.Benchmarks -- seed | queries | load [nodes] | telemetry [rounds] [modes] | payments | retention | import | screens | interop
    // On SQLite by default; on PostgreSQL with CONTINGENCY_BENCH_POSTGRES set (see BenchDatabase).
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "seed":
                await Seed.EnsureAsync();
                return 0;
            case "load":
                var nodes = args.Length > 1 && int.TryParse(args[1], out var n) && n > 0 ? n : 1;
                if (nodes > 1 && !BenchDatabase.IsPostgres)
                {
                    Console.Error.WriteLine($"SQLite runs one node; set {BenchDatabase.PostgresVariable} to load a cluster.");
                    return 1;
                }
                await LoadTest.RunAsync(nodes);
                return 0;
            case "telemetry":
                // telemetry [rounds] [modes...]: off and on by default, alternating.
                var rounds = args.Length > 1 && int.TryParse(args[1], out var r) && r > 0 ? r : 3;
                await TelemetryOverhead.RunAsync(rounds, args.Length > 2 ? args[2..] : ["off", "on"]);
                return 0;
            case "payments":
                await PaymentRunBenchmark.RunAsync();
                return 0;
            case "retention":
                await RetentionBenchmark.RunAsync();
                return 0;
            case "import":
                await ImportBenchmark.RunAsync();
                return 0;
            case "screens":
                await ScreensBenchmark.RunAsync();
                return 0;
            case "interop":
                await InteropBenchmark.RunAsync();
                return 0;
            case "queries" when BenchDatabase.IsPostgres:
                Console.Error.WriteLine($"The query benchmarks and their floors read the SQLite data set; unset {BenchDatabase.PostgresVariable}.");
                return 1;
            case "queries":
                BenchmarkRunner.Run<QueryBenchmarks>(args: args[1..]);
                return 0;
            default:
                Console.WriteLine("usage: seed | queries [BenchmarkDotNet options] | load [nodes] | telemetry [rounds] [modes] | payments | retention | import | screens | interop");
                return 1;
        }
    }
}
