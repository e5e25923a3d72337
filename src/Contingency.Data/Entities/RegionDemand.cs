namespace Contingency.Data.Entities;

/// <summary>How many sessions a week a program needs in one region: what capacity is measured against.</summary>
public sealed class RegionDemand
{
    /// <summary>More than any region could staff: a larger figure is a typo, not a plan.</summary>
    public const int MaxSessionsPerWeek = 1_000_000;
    public const int MaxRegionLength = 100;

    private RegionDemand() { }

    public RegionDemand(string id, string programId, string region, int sessionsPerWeek, DateTimeOffset now)
    {
        Id = id;
        ProgramId = programId;
        Region = region;
        Set(sessionsPerWeek, now);
        CreatedAt = now;
    }

    public string Id { get; private set; } = "";
    public string ProgramId { get; private set; } = "";
    public string Region { get; private set; } = "";
    public int SessionsPerWeek { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public void Set(int sessionsPerWeek, DateTimeOffset now)
    {
        if (sessionsPerWeek is < 0 or > MaxSessionsPerWeek)
            throw new InvalidFieldException(Region, $"Sessions per week are 0 to {MaxSessionsPerWeek}.");
        if (SessionsPerWeek == sessionsPerWeek && UpdatedAt != default) return;
        SessionsPerWeek = sessionsPerWeek;
        UpdatedAt = now;
    }
}
