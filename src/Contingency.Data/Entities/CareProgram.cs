namespace Contingency.Data.Entities;

using Contingency.Data.Calendar;

/// <summary>A strike contingency program: its dates, zone, holidays, rates and payment moment.</summary>
public sealed class CareProgram
{
    private CareProgram() { }

    public CareProgram(string id, string name, ProgramZone zone, DateOnly startsOn, int weeks, int sessionMinutes,
        IEnumerable<DateOnly> holidays, Rates rates, DayOfWeek paymentWeekday, TimeOnly paymentTime, DateTimeOffset now)
    {
        Id = id;
        Name = name;
        TimeZone = zone.Id;
        StartsOn = startsOn;
        Weeks = weeks;
        SessionMinutes = sessionMinutes;
        Holidays = holidays.Distinct().Order().ToList();
        SessionRate = rates.Session;
        PremiumRate = rates.Premium;
        SigningBonus = rates.SigningBonus;
        Currency = rates.Currency;
        PaymentWeekday = paymentWeekday;
        PaymentTime = paymentTime;
        CreatedAt = now;
    }

    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string TimeZone { get; private set; } = "";
    public DateOnly StartsOn { get; private set; }
    public int Weeks { get; private set; }
    public int SessionMinutes { get; private set; }
    public List<DateOnly> Holidays { get; private set; } = [];
    public decimal SessionRate { get; private set; }
    public decimal PremiumRate { get; private set; }
    public decimal SigningBonus { get; private set; }
    public string Currency { get; private set; } = "";
    public DayOfWeek PaymentWeekday { get; private set; }
    public TimeOnly PaymentTime { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public DateOnly EndsOn => StartsOn.AddDays(7 * Weeks - 1);

    public ProgramZone Zone => ProgramZone.Find(TimeZone);

    public SlotCalendar Calendar() => new(Zone, Holidays.ToHashSet(), SessionMinutes);

    public bool Covers(DateOnly from, DateOnly to) => from >= StartsOn && to <= EndsOn;

    /// <summary>The strike goes on: the program runs for more weeks.</summary>
    public void Extend(int weeks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weeks);
        Weeks += weeks;
    }
}

public sealed record Rates(decimal Session, decimal Premium, decimal SigningBonus, string Currency);
