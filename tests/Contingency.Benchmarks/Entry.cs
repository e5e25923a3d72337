namespace Contingency.Benchmarks;

using BenchmarkDotNet.Running;

public static class Entry
{
    // dotnet run -c Release --project tests/Contingency.Benchmarks -- seed | queries | load | payments
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "seed":
                await Seed.EnsureAsync(Seed.DefaultPath);
                return 0;
            case "load":
                await LoadTest.RunAsync();
                return 0;
            case "payments":
                await PaymentRunBenchmark.RunAsync();
                return 0;
            case "queries":
                BenchmarkRunner.Run<QueryBenchmarks>(args: args[1..]);
                return 0;
            default:
                Console.WriteLine("usage: seed | queries [BenchmarkDotNet options] | load | payments");
                return 1;
        }
    }
}
