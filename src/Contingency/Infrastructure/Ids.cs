namespace Contingency.Infrastructure;

/// <summary>Opaque, time-ordered ids: version 7 GUIDs, so new rows land at the end of each index.</summary>
public static class Ids
{
    public static string New() => Guid.CreateVersion7().ToString("N");
}
