namespace Contingency.Features.CalendarFeeds;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Features.Payments;
using Contingency.Features.Slots;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// A feed's events, with what lets a calendar app ask "has it changed?" instead of fetching it again.
/// The ETag is a hash of what the file will say (computed from the events, before any writing), so
/// a poll that finds nothing changed costs the reads alone, and the file is written only for a 200.
/// </summary>
public sealed record CalendarFeedDocument(string Name, IReadOnlyList<FeedEvent> Events, string ETag, DateTimeOffset LastModified)
{
    public string Write() => CalendarFile.Write(Name, Events);
}

/// <summary>The feed behind a secret: the provider's committed slots of the past 2 and coming 8 weeks.</summary>
public sealed record GetCalendarFeed([property: SecretData] string Secret) : IQuery<CalendarFeedDocument>;

/// <summary>
/// One event per committed slot in the window, open or busy, under a UID made of the provider and
/// the slot's start, so an event keeps its identity as bookings come and go. Its SEQUENCE counts
/// the changes the slot has seen: each appointment ever made in it added one when it was booked
/// and one when it ended (cancelled, displaced, completed, no-show). Appointments are never
/// deleted, so the count only grows. A cancelled, rescheduled or displaced appointment is an event
/// of its own as well, <c>STATUS:CANCELLED</c>. Events show an appointment's kind and id, nothing of
/// the member.
/// </summary>
public sealed class GetCalendarFeedHandler(ContingencyDb db, TimeProvider clock) : IQueryHandler<GetCalendarFeed, CalendarFeedDocument>
{
    public const int PastDays = 14;
    public const int ComingDays = 56;

    public async ValueTask<CalendarFeedDocument> Handle(GetCalendarFeed query, CancellationToken ct)
    {
        var hash = CalendarFeed.LooksLikeSecret(query.Secret) ? CalendarFeed.HashOf(query.Secret) : null;
        var feed = hash is null ? null : await db.CalendarFeeds.AsNoTracking().FirstOrDefaultAsync(f => f.SecretHash == hash, ct);
        // Never the secret in the message: it would be the key to the feed, in whatever shows the error.
        if (feed is null)
            throw new DomainException(ErrorKind.NotFound, ErrorCodes.NotFound, "No calendar feed at this address: it was never issued, or a newer one replaced it.");
        var provider = await db.Providers.AsNoTracking().Where(p => p.Id == feed.ProviderId).Select(p => new { p.Id, p.Name }).FirstAsync(ct);

        var now = clock.GetUtcNow();
        var commitments = await CommittedSlots.OfProviderAsync(db, provider.Id, ct);
        // A day of slack either side of the window: each program's zone decides which of these fall inside it.
        var earliest = now.AddDays(-PastDays - 1);
        var latest = now.AddDays(ComingDays + 1);
        var appointments = await db.Appointments.AsNoTracking()
            .Where(a => a.ProviderId == provider.Id && a.Start >= earliest && a.Start <= latest)
            .Select(a => new FeedAppointment(a.Id, a.ProgramId, a.Start, a.End, a.LocalDate, a.Status, a.Kind, a.HeldSlot, a.RescheduledToId, a.UpdatedAt))
            .ToListAsync(ct);
        var zones = await ProgramZones.OfAsync(db, appointments.Select(a => a.ProgramId), ct);
        var changed = await LastChangesAsync(provider.Id, ct);

        var events = new List<FeedEvent>();
        var atStart = appointments.ToLookup(a => a.Start);
        var seen = new HashSet<DateTimeOffset>();
        // In id order: when two programs' commitments share a start, the same one gives the event every time.
        foreach (var c in commitments.OrderBy(c => c.Commitment.Id, StringComparer.Ordinal))
        {
            var zone = c.Calendar.Zone;
            var (from, to) = Window(zone, now);
            var committed = changed.GetValueOrDefault(c.Commitment.Id, c.Commitment.CreatedAt);
            foreach (var slot in c.Calendar.Slots(c.Pattern, from, to))
            {
                // Two programs' commitments may share a start; the provider has one slot then, and one event.
                if (!seen.Add(slot.Start)) continue;
                events.Add(SlotEvent(provider.Id, slot.Start, slot.End, zone, atStart[slot.Start].ToList(), committed));
            }
        }
        foreach (var a in appointments)
        {
            var zone = zones[a.ProgramId];
            var (from, to) = Window(zone, now);
            if (a.LocalDate < from || a.LocalDate > to) continue;
            if (a.HeldSlot is not null && seen.Add(a.Start))
            {
                // Held, though its slot is no longer committed (completed ahead of a later withdrawal): busy all the same.
                events.Add(SlotEvent(provider.Id, a.Start, a.End, zone, atStart[a.Start].ToList(), a.UpdatedAt));
                continue;
            }
            if (a.Status is not (Appointment.Cancelled or Appointment.Displaced)) continue;
            var what = a.Status == Appointment.Displaced ? "Displaced" : a.RescheduledToId is not null ? "Rescheduled" : "Cancelled";
            events.Add(new FeedEvent($"appointment-{a.Id}@contingency", 1, a.Start, a.End, zone,
                $"{what}: {KindTitle(a.Kind).ToLowerInvariant()}", $"Appointment {a.Id}", Busy: false, Cancelled: true, a.UpdatedAt));
        }
        events.Sort((x, y) => x.Start != y.Start ? x.Start.CompareTo(y.Start) : string.CompareOrdinal(x.Uid, y.Uid));

        // Last-Modified moves whenever the file can change: an event's change, a change to the provider
        // (its name titles the calendar) or to any of its commitments (a withdrawal or an extension adds or
        // removes events that carry no change of their own), and the window moving at each midnight.
        var windowMoved = commitments.Select(c => c.Calendar.Zone).Concat(zones.Values)
            .Select(z => z.ReachedAt(z.LocalDateOf(now), TimeOnly.MinValue)).DefaultIfEmpty(feed.IssuedAt).Max();
        var lastModified = events.Select(e => e.LastModified).Concat(changed.Values).Append(windowMoved).Max();
        var name = $"Contingency: {provider.Name}";
        return new CalendarFeedDocument(name, events, ETagOf(name, events), lastModified);
    }

    /// <summary>
    /// A hash of everything the file is written from. The file is a function of these alone (and of how
    /// <see cref="CalendarFile"/> writes them: change that, and change <see cref="CalendarFile.Format"/>).
    /// </summary>
    private static string ETagOf(string name, List<FeedEvent> events)
    {
        var text = new StringBuilder(CalendarFile.Format).Append('\n').Append(name);
        foreach (var e in events)
            text.Append('\n').Append(e.Uid).Append('|').Append(e.Sequence).Append('|').Append(e.Start.UtcTicks).Append('|').Append(e.End.UtcTicks)
                .Append('|').Append(e.Zone.Id).Append('|').Append(e.Summary).Append('|').Append(e.Description).Append('|').Append(e.Busy)
                .Append('|').Append(e.Cancelled).Append('|').Append(e.LastModified.UtcTicks);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return "\"" + Convert.ToBase64String(hash, 0, 18).Replace('+', '-').Replace('/', '_') + "\"";
    }

    /// <summary>
    /// The event of a slot: open, or busy with the appointment that holds it. SEQUENCE: each appointment
    /// ever made in the slot counts one when booked and one when it ended.
    /// </summary>
    private static FeedEvent SlotEvent(string providerId, DateTimeOffset start, DateTimeOffset end, ProgramZone zone,
        List<FeedAppointment> made, DateTimeOffset committed)
    {
        var holder = made.FirstOrDefault(a => a.HeldSlot is not null);
        return new FeedEvent(
            $"slot-{providerId}-{start.UtcDateTime.ToString("yyyyMMdd'T'HHmm", CultureInfo.InvariantCulture)}Z@contingency",
            made.Sum(a => a.Status == Appointment.Booked ? 1 : 2),
            start, end, zone,
            holder is null ? "Open slot" : $"{KindTitle(holder.Kind)}{StatusNote(holder.Status)}",
            holder is null ? null : $"Appointment {holder.Id}",
            Busy: holder is not null, Cancelled: false,
            made.Select(a => a.UpdatedAt).Append(committed).Max());
    }

    /// <summary>
    /// When the provider and each of its commitments last changed, from the audit trail (every write
    /// is there, in its own transaction): an extension or a correction leaves no time on the record itself.
    /// </summary>
    private async Task<Dictionary<string, DateTimeOffset>> LastChangesAsync(string providerId, CancellationToken ct)
    {
        var commitmentIds = await db.Commitments.AsNoTracking().Where(c => c.ProviderId == providerId).Select(c => c.Id).ToListAsync(ct);
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => (e.EntityType == AuditedCommitment && commitmentIds.Contains(e.EntityId)) || (e.EntityType == AuditedProvider && e.EntityId == providerId))
            .Select(e => new { e.EntityId, e.At })
            .ToListAsync(ct);
        return entries.GroupBy(e => e.EntityId).ToDictionary(g => g.Key, g => g.Max(e => e.At));
    }

    private const string AuditedCommitment = "commitment";
    private const string AuditedProvider = "provider";

    private static (DateOnly From, DateOnly To) Window(ProgramZone zone, DateTimeOffset now)
    {
        var today = zone.LocalDateOf(now);
        return (today.AddDays(-PastDays), today.AddDays(ComingDays - 1));
    }

    private static string KindTitle(string kind) => kind == Appointment.FollowUp ? "Follow-up appointment" : "Intake appointment";

    private static string StatusNote(string status) => status switch
    {
        Appointment.Completed => " (completed)",
        Appointment.NoShow => " (no-show)",
        Appointment.Unresolved => " (unresolved)",
        _ => "",
    };

    private sealed record FeedAppointment(string Id, string ProgramId, DateTimeOffset Start, DateTimeOffset End, DateOnly LocalDate,
        string Status, string Kind, DateTimeOffset? HeldSlot, string? RescheduledToId, DateTimeOffset UpdatedAt);
}
