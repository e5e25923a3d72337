namespace Contingency.Data.Entities;

using Contingency.Data.Calendar;
using Contingency.Data.Payments;

/// <summary>A strike contingency program: its dates, zone, holidays, rates and payment moment.</summary>
public sealed class CareProgram
{
    private CareProgram() { }

    public CareProgram(string id, string name, ProgramZone zone, DateOnly startsOn, int weeks, int sessionMinutes,
        IEnumerable<DateOnly> holidays, Rates rates, DayOfWeek paymentWeekday, TimeOnly paymentTime, DateTimeOffset now)
    {
        Guard.Name("name", name);
        Guard.Date("startsOn", startsOn);
        Guard.Weeks("weeks", weeks);
        if (startsOn.AddDays(7 * weeks - 1) > Limits.LastDate)
            throw new InvalidFieldException("weeks", $"The program would end after {Limits.LastDate:yyyy-MM-dd}.");
        if (sessionMinutes is < MinSessionMinutes or > MaxSessionMinutes)
            throw new InvalidFieldException("sessionMinutes", $"sessionMinutes is {MinSessionMinutes} to {MaxSessionMinutes}.");
        var days = Guard.Dates("holidays", holidays);
        Guard.Money("rates.session", rates.Session);
        Guard.Money("rates.premium", rates.Premium);
        Guard.Money("rates.signingBonus", rates.SigningBonus);
        if (rates.Currency is not { Length: 3 } || !rates.Currency.All(char.IsAsciiLetterUpper))
            throw new InvalidFieldException("rates.currency", "currency is an ISO 4217 code such as USD.");
        if (!Enum.IsDefined(paymentWeekday))
            throw new InvalidFieldException("payments.weekday", "weekday is a day's name, such as Friday.");
        if (paymentTime.Second != 0 || paymentTime.Millisecond != 0 || paymentTime.Microsecond != 0)
            throw new InvalidFieldException("payments.time", "time is a local time as HH:mm.");

        Id = id;
        Name = name;
        TimeZone = zone.Id;
        StartsOn = startsOn;
        Weeks = weeks;
        SessionMinutes = sessionMinutes;
        Holidays = days;
        SessionRate = rates.Session;
        PremiumRate = rates.Premium;
        SigningBonus = rates.SigningBonus;
        Currency = rates.Currency;
        PaymentWeekday = paymentWeekday;
        PaymentTime = paymentTime;
        CreatedAt = now;
    }

    public const int MinSessionMinutes = 15;
    public const int MaxSessionMinutes = 240;

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

    /// <summary>When the program was closed: from then on nothing about it changes (README, "Retention").</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>
    /// The key of the one-way hash that replaces the member references of a closed program's
    /// appointments: drawn at random when the program closes, and erased once every reference is
    /// replaced, so that no one (the service included) can test a guess against a hash afterwards.
    /// </summary>
    [SecretData] public byte[]? MemberSalt { get; private set; }

    /// <summary>When the last member reference of the closed program was replaced by its hash.</summary>
    public DateTimeOffset? MemberDataHashedAt { get; private set; }

    public const int MemberSaltLength = 32;

    public DateOnly EndsOn => StartsOn.AddDays(7 * Weeks - 1);

    public ProgramZone Zone => ProgramZone.Find(TimeZone);

    public SlotCalendar Calendar() => new(Zone, Holidays.ToHashSet(), SessionMinutes);

    public bool Covers(DateOnly from, DateOnly to) => from >= StartsOn && to <= EndsOn;

    public PaymentMoments PaymentMoments => new(Zone, PaymentWeekday, PaymentTime);

    /// <summary>The strike goes on: the program runs for more weeks, never past two years in all.</summary>
    public void Extend(int weeks)
    {
        RequireOpen();
        if (weeks < 1) throw new InvalidFieldException("weeks", "weeks is at least 1.");
        if (Weeks + weeks > Limits.MaxWeeks)
            throw new UnprocessableException(ErrorCodes.TooLong,
                $"The program runs {Weeks} weeks; {weeks} more would pass the limit of {Limits.MaxWeeks} weeks in all.");
        if (StartsOn.AddDays(7 * (Weeks + weeks) - 1) > Limits.LastDate)
            throw new UnprocessableException(ErrorCodes.TooLong, $"The program would run past {Limits.LastDate:yyyy-MM-dd}.");
        Weeks += weeks;
    }

    /// <summary>Every write to a closed program is refused with this.</summary>
    public void RequireOpen()
    {
        if (ClosedAt is not null) throw Closed(Id);
    }

    public static UnprocessableException Closed(string id) =>
        new(ErrorCodes.ProgramClosed, $"Program '{id}' is closed: nothing about it changes any more.");

    /// <summary>Open, and its last day over in its zone.</summary>
    public void RequireClosable(DateTimeOffset now)
    {
        RequireOpen();
        var today = Zone.LocalDateOf(now);
        if (today <= EndsOn)
            throw new UnprocessableException(ErrorCodes.ProgramNotEnded,
                $"Program '{Id}' runs to {EndsOn:yyyy-MM-dd}; it can be closed from the day after (today is {today:yyyy-MM-dd} in {TimeZone}).");
    }

    /// <summary>
    /// Closes the program once its last day has passed in its zone. Whether anything is still open
    /// (appointments without an outcome, payments not yet released) is the caller's to check first.
    /// </summary>
    public void Close(DateTimeOffset now, byte[] memberSalt)
    {
        RequireClosable(now);
        if (memberSalt.Length != MemberSaltLength) throw new ArgumentException($"The salt is {MemberSaltLength} bytes.", nameof(memberSalt));
        ClosedAt = now;
        MemberSalt = memberSalt;
    }

    /// <summary>Every member reference of the closed program is a hash now: the key goes, and with it any way to test a guess.</summary>
    public void MemberDataHashed(DateTimeOffset now)
    {
        if (ClosedAt is null) throw new InvalidOperationException($"Program '{Id}' is open: its member data stays.");
        MemberSalt = null;
        MemberDataHashedAt = now;
    }
}

public sealed record Rates(decimal Session, decimal Premium, decimal SigningBonus, string Currency);
