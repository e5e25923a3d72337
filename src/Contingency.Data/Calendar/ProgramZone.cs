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
    /// True when the instant's wall-clock time comes twice (the hour a fall-back repeats) and this is the
    /// second time: a local time with the zone's name alone reads as the first.
    /// </summary>
    public bool IsSecondOfTwo(DateTimeOffset instant)
    {
        var local = ToLocal(instant);
        return zone.IsAmbiguousTime(local.DateTime) && local.Offset != zone.GetAmbiguousTimeOffsets(local.DateTime).Max();
    }

    /// <summary>The offset from UTC in force at an instant, and whether it is the zone's summer time.</summary>
    public (TimeSpan Offset, bool Daylight) OffsetAt(DateTimeOffset instant) =>
        (zone.GetUtcOffset(instant), zone.IsDaylightSavingTime(instant));

    /// <summary>
    /// The instants in [from, to) at which the zone's offset changes, each with the offset before and
    /// after, to the minute: what a calendar file's VTIMEZONE spells out for the window it covers.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset At, TimeSpan Before, TimeSpan After, bool Daylight)> Transitions(DateTimeOffset from, DateTimeOffset to)
    {
        var found = new List<(DateTimeOffset, TimeSpan, TimeSpan, bool)>();
        var step = TimeSpan.FromHours(1);
        // From a whole UTC day, so every probe falls on a whole minute as the changes do.
        from = new DateTimeOffset(from.UtcDateTime.Date, TimeSpan.Zero);
        var before = zone.GetUtcOffset(from);
        for (var t = from; t < to; t += step)
        {
            var next = t + step;
            var after = zone.GetUtcOffset(next);
            if (after == before) continue;
            // Somewhere in (t, next]: narrow it to the minute at which the new offset holds.
            var (low, high) = (t, next);
            while (high - low > TimeSpan.FromMinutes(1))
            {
                var mid = low + TimeSpan.FromMinutes(Math.Floor((high - low).TotalMinutes / 2));
                if (zone.GetUtcOffset(mid) == before) low = mid; else high = mid;
            }
            if (high < to) found.Add((high.ToUniversalTime(), before, after, zone.IsDaylightSavingTime(high)));
            before = after;
        }
        return found;
    }

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
