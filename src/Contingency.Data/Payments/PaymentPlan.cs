namespace Contingency.Data.Payments;

using Contingency.Data.Calendar;
using Contingency.Data.Entities;

/// <summary>
/// The payment schedule of one commitment, brought in line with its slots. One rule serves the
/// commitment's creation, its withdrawal and its program's extension: for every Monday-to-Sunday
/// week, what the week should pay is its committed slots x (session + premium); a scheduled advance
/// is created, recomputed or cancelled to match, and money already released is corrected by an
/// adjustment due at the next payment moment. The signing bonus is set once and never adjusted.
/// </summary>
public static class PaymentPlan
{
    public static List<Payment> Reconcile(Commitment commitment, CareProgram program, SlotCalendar calendar,
        IReadOnlyCollection<Payment> existing, Func<string> newId, DateTimeOffset now)
    {
        now = now.ToWholeSecond();
        var moments = program.PaymentMoments;
        var perSession = program.SessionRate + program.PremiumRate;
        var added = new List<Payment>();

        var advances = existing.Where(p => p.Kind == Payment.Advance && p.Status != Payment.Cancelled)
            .ToDictionary(p => p.PeriodStart!.Value);
        var weeks = new SortedSet<DateOnly>(advances.Keys);
        var pattern = commitment.Pattern;
        for (var monday = SlotCalendar.WeekOf(pattern.StartsOn); monday <= pattern.EndsOn; monday = monday.AddDays(7))
            weeks.Add(monday);

        foreach (var monday in weeks)
        {
            // Zero for every week once a withdrawal took the whole commitment (EndsOn before StartsOn).
            var sessions = calendar.Count(pattern, monday, monday.AddDays(6));
            if (!advances.TryGetValue(monday, out var advance))
            {
                if (sessions == 0) continue;
                // Due at the last payment moment before the week; at once if that moment has passed.
                var dueAt = moments.DueBeforeWeek(monday);
                added.Add(Payment.NewAdvance(newId(), commitment, monday, sessions, perSession, program.Currency,
                    dueAt < now ? now : dueAt, now));
            }
            else if (advance.Status == Payment.Scheduled)
            {
                if (sessions == 0) advance.Cancel(now);
                else if (sessions != advance.Sessions) advance.Recompute(sessions, now);
            }
            else
            {
                var paid = advance.Sessions + existing
                    .Where(p => p.AdjustsPaymentId == advance.Id && p.Status != Payment.Cancelled)
                    .Sum(p => p.Sessions);
                if (sessions != paid)
                    added.Add(Payment.NewAdjustment(newId(), advance, commitment, sessions - paid, moments.Next(now), now));
            }
        }

        if (!existing.Any(p => p.Kind == Payment.SigningBonus) && added.FirstOrDefault(p => p.Kind == Payment.Advance) is { } first)
            added.Insert(0, Payment.NewSigningBonus(newId(), commitment, program.SigningBonus, program.Currency, first.DueAt, now));
        return added;
    }
}
