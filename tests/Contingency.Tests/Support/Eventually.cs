namespace Contingency.Tests.Support;

/// <summary>Waits for something the real scheduler does in the background, up to a patience that no healthy run needs.</summary>
public static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static async Task<bool> True(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(100);
        }
        return false;
    }
}
