namespace Contingency.Benchmarks;

using BenchmarkDotNet.Running;

public static class Entry
{
    // dotnet run -c Release --project tests/Contingency.Benchmarks -- seed | queries | load | payments
    // On SQLite by default; on PostgreSQL with CONTINGENCY_BENCH_POSTGRES set (see BenchDatabase).
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "seed":
                await Seed.EnsureAsync();
                return 0;
            case "load":
                if (BenchDatabase.IsPostgres)
                {
                    Console.Error.WriteLine("The load benchmark runs on SQLite only.");
                    return 1;
                }
                await LoadTest.RunAsync();
                return 0;
            case "payments":
                await PaymentRunBenchmark.RunAsync();
                return 0;
            case "queries" when BenchDatabase.IsPostgres:
                Console.Error.WriteLine($"The query benchmarks and their floors read the SQLite data set; unset {BenchDatabase.PostgresVariable}.");
                return 1;
            case "queries":
                BenchmarkRunner.Run<QueryBenchmarks>(args: args[1..]);
                return 0;
            default:
                Console.WriteLine("usage: seed | queries [BenchmarkDotNet options] | load | payments");
                return 1;
        }
    }
}
