namespace Contingency.Features.Programs;

using System.ComponentModel.DataAnnotations;
using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Features.Payments;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;

public sealed record RatesBody(
    [property: Required, Range(0, 1_000_000)] decimal? Session,
    [property: Required, Range(0, 1_000_000)] decimal? Premium,
    [property: Required, Range(0, 1_000_000)] decimal? SigningBonus,
    [property: Required] string? Currency);

public sealed record PaymentMomentBody([property: Required] DayOfWeek? Weekday, [property: Required] TimeOnly? Time);

public sealed record CreateProgram(
    [property: Required] string? Name, [property: Required] string? TimeZone, [property: Required] DateOnly? StartsOn,
    [property: Required] int? Weeks, int? SessionMinutes, List<DateOnly>? Holidays,
    [property: Required] RatesBody? Rates, [property: Required] PaymentMomentBody? Payments) : ICommand<ProgramView>;

public sealed class CreateProgramValidator : AbstractValidator<CreateProgram>
{
    public CreateProgramValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(Limits.MaxNameLength);
        RuleFor(c => c.TimeZone).NotEmpty().MaximumLength(64)
            .Must(id => ProgramZone.TryFind(id, out _)).WithMessage("'{PropertyValue}' is not a known IANA time zone id.");
        RuleFor(c => c.StartsOn).NotNull().ServiceDate();
        RuleFor(c => c.Weeks).Weeks();
        RuleFor(c => c.Weeks).Must((c, weeks) => c.StartsOn!.Value.AddDays(7 * weeks!.Value - 1) <= Limits.LastDate)
            .When(c => c.StartsOn is { } s && Limits.IsServiceDate(s) && c.Weeks is >= 1 and <= Limits.MaxWeeks)
            .WithMessage($"The program would end after {Limits.LastDate:yyyy-MM-dd}.");
        RuleFor(c => c.SessionMinutes).InclusiveBetween(CareProgram.MinSessionMinutes, CareProgram.MaxSessionMinutes);
        RuleFor(c => c.Holidays).ServiceDates();
        RuleFor(c => c.Rates).NotNull().SetValidator(new RatesValidator()!);
        RuleFor(c => c.Payments).NotNull().ChildRules(p =>
        {
            p.RuleFor(x => x!.Weekday).NotNull();
            p.RuleFor(x => x!.Time).NotNull();
        });
    }
}

public sealed class RatesValidator : AbstractValidator<RatesBody>
{
    public RatesValidator()
    {
        RuleFor(r => r.Session).Money();
        RuleFor(r => r.Premium).Money();
        RuleFor(r => r.SigningBonus).Money();
        RuleFor(r => r.Currency).NotEmpty().Matches("^[A-Z]{3}$").WithMessage("currency is an ISO 4217 code such as USD.");
    }
}

public sealed class CreateProgramHandler(ContingencyDb db, TimeProvider clock, PaymentTriggers triggers)
    : ICommandHandler<CreateProgram, ProgramView>
{
    public async ValueTask<ProgramView> Handle(CreateProgram cmd, CancellationToken ct)
    {
        var rates = cmd.Rates!;
        var program = new CareProgram(
            Ids.New(), cmd.Name!.Trim(), ProgramZone.Find(cmd.TimeZone!), cmd.StartsOn!.Value, cmd.Weeks!.Value,
            cmd.SessionMinutes ?? 60, cmd.Holidays ?? [],
            new Rates(rates.Session!.Value, rates.Premium!.Value, rates.SigningBonus!.Value, rates.Currency!),
            cmd.Payments!.Weekday!.Value, cmd.Payments.Time!.Value, clock.GetUtcNow());
        db.Programs.Add(program);
        await db.SaveChangesAsync(ct);
        await triggers.AfterCommitAsync(program, somethingDueNow: false, CancellationToken.None);
        return ProgramView.From(program);
    }
}
