namespace Contingency.Features.CalendarFeeds;

using Contingency.Data.Calendar;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using ICalendar = Ical.Net.Calendar;

/// <summary>One event of a feed, in the program's zone.</summary>
public sealed record FeedEvent(string Uid, int Sequence, DateTimeOffset Start, DateTimeOffset End, ProgramZone Zone,
    string Summary, string? Description, bool Busy, bool Cancelled, DateTimeOffset LastModified);

/// <summary>
/// An RFC 5545 calendar of feed events, written with Ical.Net. Times are local with their zone's
/// TZID, and each zone gets a VTIMEZONE of its own, built from the zone as the service knows it
/// (the offsets the slots were computed with) for just the span the events cover: a calendar app
/// then shows 09:00 as 09:00 on both sides of a DST change, whatever zone data it holds itself.
/// </summary>
public static class CalendarFile
{
    /// <summary>Names how events become text; part of every feed's ETag, so a change here is a change to every feed.</summary>
    public const string Format = "contingency-ics-1";

    public static string Write(string name, IReadOnlyList<FeedEvent> events)
    {
        // No METHOD: a published iTIP object would need an ORGANIZER, and without one DTSTAMP is the
        // event's last change, which is what the feed means by it.
        var calendar = new ICalendar { ProductId = "-//Contingency//Calendar feed//EN" };
        calendar.AddProperty("X-WR-CALNAME", name);
        // Subscribing apps that honour these poll hourly; the ETag makes an unchanged poll cheap.
        var refresh = new CalendarProperty("REFRESH-INTERVAL", "PT1H");
        refresh.AddParameter("VALUE", "DURATION");
        calendar.AddProperty(refresh);
        calendar.AddProperty("X-PUBLISHED-TTL", "PT1H");

        foreach (var zone in events.GroupBy(e => e.Zone.Id))
            calendar.TimeZones.Add(TimeZoneOf(zone.First().Zone, zone.Min(e => e.Start), zone.Max(e => e.End)));

        foreach (var e in events)
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = e.Uid,
                Sequence = e.Sequence,
                // The last change, not the time of the request: the same data writes the same file.
                DtStamp = new CalDateTime(e.LastModified.UtcDateTime, CalDateTime.UtcTzId),
                DtStart = Local(e.Zone, e.Start),
                DtEnd = End(e.Zone, e.End),
                Summary = e.Summary,
                Description = e.Description,
                Transparency = e.Busy ? TransparencyType.Opaque : TransparencyType.Transparent,
                // Events are confirmed unless they say otherwise (RFC 5545 leaves STATUS out then).
                Status = e.Cancelled ? EventStatus.Cancelled : null,
            });
        }
        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    private static CalDateTime Local(ProgramZone zone, DateTimeOffset instant) =>
        new(zone.ToLocal(instant).DateTime, zone.Id, hasTime: true);

    /// <summary>
    /// The end in the zone's local time, unless that wall-clock time comes twice (the hour after a fall-back)
    /// and the end is its second coming: a TZID time reads as the first, so the end is written in UTC there.
    /// </summary>
    private static CalDateTime End(ProgramZone zone, DateTimeOffset instant) =>
        zone.IsSecondOfTwo(instant) ? new CalDateTime(instant.UtcDateTime, CalDateTime.UtcTzId) : Local(zone, instant);

    /// <summary>
    /// The zone's observances from the day before the first event to a day after the last: the offset in
    /// force at the start, then one observance per change, each starting at the wall-clock time the
    /// change happens (in the offset before it), as RFC 5545 has it.
    /// </summary>
    internal static VTimeZone TimeZoneOf(ProgramZone zone, DateTimeOffset first, DateTimeOffset last)
    {
        // From local midnight of the day before the first event, to a day after the last.
        var from = zone.ReachedAt(zone.LocalDateOf(first).AddDays(-1), TimeOnly.MinValue);
        var to = last.AddDays(1);
        var timeZone = new VTimeZone(zone.Id);
        var (offset, daylight) = zone.OffsetAt(from);
        timeZone.TimeZoneInfos.Add(Observance(daylight, from, offset, offset));
        foreach (var change in zone.Transitions(from, to).Where(c => c.At > from))
            timeZone.TimeZoneInfos.Add(Observance(change.Daylight, change.At, change.Before, change.After));
        return timeZone;
    }

    private static VTimeZoneInfo Observance(bool daylight, DateTimeOffset at, TimeSpan before, TimeSpan after) =>
        new(daylight ? Components.Daylight : Components.Standard)
        {
            DtStart = new CalDateTime(DateTime.SpecifyKind(at.UtcDateTime + before, DateTimeKind.Unspecified), null, hasTime: true),
            OffsetFrom = new UtcOffset(before),
            OffsetTo = new UtcOffset(after),
        };
}
