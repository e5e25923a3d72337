namespace Contingency.Infrastructure;

/// <summary>Opaque, time-ordered ids: version 7 GUIDs, so new rows land at the end of each index.</summary>
public static class Ids
{
    /// <summary>The id columns' width; an id sent that is longer cannot name anything.</summary>
    public const int MaxLength = 40;

    public static string New() => Guid.CreateVersion7().ToString("N");
}
