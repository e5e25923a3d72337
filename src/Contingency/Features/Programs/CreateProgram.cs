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
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.TimeZone).NotEmpty()
            .Must(id => ProgramZone.TryFind(id, out _)).WithMessage("'{PropertyValue}' is not a known IANA time zone id.");
        RuleFor(c => c.StartsOn).NotNull();
        RuleFor(c => c.Weeks).NotNull().InclusiveBetween(1, 104);
        RuleFor(c => c.SessionMinutes).InclusiveBetween(15, 240);
        RuleFor(c => c.Rates).NotNull().SetValidator(new RatesValidator()!);
        RuleFor(c => c.Payments).NotNull().ChildRules(p =>
        {
            p.RuleFor(x => x!.Weekday).NotNull().IsInEnum();
            p.RuleFor(x => x!.Time).NotNull();
        });
    }
}

public sealed class RatesValidator : AbstractValidator<RatesBody>
{
    public RatesValidator()
    {
        RuleFor(r => r.Session).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 2, ignoreTrailingZeros: true);
        RuleFor(r => r.Premium).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 2, ignoreTrailingZeros: true);
        RuleFor(r => r.SigningBonus).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 2, ignoreTrailingZeros: true);
        RuleFor(r => r.Currency).NotEmpty().Matches("^[A-Z]{3}$").WithMessage("Currency is an ISO 4217 code such as USD.");
    }
}

public sealed class CreateProgramHandler(ContingencyDb db, TimeProvider clock, PaymentTriggers triggers, ILogger<CreateProgramHandler> log)
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
        try
        {
            await triggers.EnsureAsync(program, ct);
        }
        catch (Quartz.SchedulerException e)
        {
            // The program is saved; answering 500 would invite a duplicate. The start-up sync creates
            // the missing trigger, and the error says so in the log.
            log.LogError(e, "Program {ProgramId} saved but its payment trigger was not; it is created at the next start", program.Id);
        }
        return ProgramView.From(program);
    }
}
