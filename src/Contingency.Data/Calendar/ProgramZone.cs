namespace Contingency.Data.Calendar;

/// <summary>
/// The one place where a program's local dates and wall-clock times become instants and back.
/// </summary>
public sealed class ProgramZone
{
    private readonly TimeZoneInfo zone;

    private ProgramZone(TimeZoneInfo zone) => this.zone = zone;

    public string Id => zone.Id;

    public static bool TryFind(string? ianaId, out ProgramZone? programZone)
    {
        programZone = null;
        if (string.IsNullOrWhiteSpace(ianaId)) return false;
        // Only IANA ids are accepted: Windows ids would be converted on some hosts and not on others.
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var tz) || !tz.HasIanaId) return false;
        programZone = new ProgramZone(tz);
        return true;
    }

    public static ProgramZone Find(string ianaId) =>
        TryFind(ianaId, out var z) ? z! : throw new ArgumentException($"Unknown IANA time zone '{ianaId}'.", nameof(ianaId));

    /// <summary>
    /// The instant of a local wall-clock time, or null when the time falls into a spring-forward gap.
    /// An ambiguous time (fall-back overlap) takes the earlier instant, i.e. the offset before the change.
    /// </summary>
    public DateTimeOffset? ToInstant(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local)) return null;
        var offset = zone.IsAmbiguousTime(local)
            ? zone.GetAmbiguousTimeOffsets(local).Max()
            : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>
    /// The instant a local wall-clock time is reached: the time itself, or, when it falls into a
    /// spring-forward gap, the end of the gap (the first instant at which the clock shows a later
    /// time). An ambiguous time takes the earlier instant, as in <see cref="ToInstant"/>.
    /// </summary>
    public DateTimeOffset ReachedAt(DateOnly date, TimeOnly time)
    {
        if (ToInstant(date, time) is { } instant) return instant;
        // Gaps start and end on whole minutes; the longest on record skipped a whole day.
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        local = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute));
        do local = local.AddMinutes(1); while (zone.IsInvalidTime(local));
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>The instant shown with the offset in force at that instant in this zone.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, zone);

    public DateOnly LocalDateOf(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    public DateOnly Today(TimeProvider clock) => LocalDateOf(clock.GetUtcNow());

    /// <summary>
    /// True when the zone's offset is the same all day, so every wall-clock time of the day exists once.
    /// Lets slot counting skip per-slot checks on all but the two transition days a year.
    /// </summary>
    public bool IsRegularDay(DateOnly date)
    {
        var start = zone.GetUtcOffset(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified));
        var end = zone.GetUtcOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified));
        return start == end;
    }
}
