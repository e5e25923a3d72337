namespace Contingency.Tests.Support;

/// <summary>Requests released together, so the database, not their order of sending, decides who wins.</summary>
public static class Concurrently
{
    /// <summary>Starts <paramref name="count"/> requests, holds each at a gate until all are waiting, then lets them go at once.</summary>
    public static async Task<T[]> AllAtOnce<T>(int count, Func<int, Task<T>> request)
    {
        using var gate = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, count).Select(async i => { await gate.WaitAsync(); return await request(i); }).ToArray();
        gate.Release(count);
        return await Task.WhenAll(tasks);
    }
}
