namespace Contingency.Features.Programs;

using Contingency.Data.Entities;

public sealed record RatesView(decimal Session, decimal Premium, decimal SigningBonus, string Currency);

public sealed record PaymentMomentView(DayOfWeek Weekday, TimeOnly Time);

public sealed record ProgramView(
    string Id, string Name, string TimeZone, DateOnly StartsOn, int Weeks, DateOnly EndsOn, int SessionMinutes,
    IReadOnlyList<DateOnly> Holidays, RatesView Rates, PaymentMomentView Payments, DateTimeOffset? ClosedAt = null) : IProgramDates
{
    public static ProgramView From(CareProgram p) => new(
        p.Id, p.Name, p.TimeZone, p.StartsOn, p.Weeks, p.EndsOn, p.SessionMinutes, p.Holidays,
        new RatesView(p.SessionRate, p.PremiumRate, p.SigningBonus, p.Currency),
        new PaymentMomentView(p.PaymentWeekday, p.PaymentTime), p.ClosedAt is { } closed ? p.Zone.ToLocal(closed) : null);
}
