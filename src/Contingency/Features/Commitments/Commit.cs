namespace Contingency.Features.Commitments;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Data.Payments;
using Contingency.Features.Payments;
using Contingency.Infrastructure;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.EntityFrameworkCore;
// FluentValidation has a ValidationException too; only the attribute is wanted from DataAnnotations.
using Required = System.ComponentModel.DataAnnotations.RequiredAttribute;

public sealed record CommitBody(
    [property: Required] string? ProviderId, [property: Required] int? SlotsPerDay, [property: Required] List<DayOfWeek>? Weekdays,
    [property: Required] TimeOnly? FirstSlotAt, [property: Required] DateOnly? StartsOn, [property: Required] int? Weeks,
    List<DateOnly>? ExcludedDates);

public sealed record Commit(
    string ProgramId, string? ProviderId, int? SlotsPerDay, List<DayOfWeek>? Weekdays, TimeOnly? FirstSlotAt,
    DateOnly? StartsOn, int? Weeks, List<DateOnly>? ExcludedDates) : ICommand<CommitmentView>
{
    public static Commit From(string programId, CommitBody b) =>
        new(programId, b.ProviderId, b.SlotsPerDay, b.Weekdays, b.FirstSlotAt, b.StartsOn, b.Weeks, b.ExcludedDates);
}

public sealed class CommitValidator : AbstractValidator<Commit>
{
    public CommitValidator()
    {
        RuleFor(c => c.ProviderId).NotEmpty();
        RuleFor(c => c.SlotsPerDay).NotNull().InclusiveBetween(1, 12);
        RuleFor(c => c.Weekdays).NotEmpty().WithMessage("weekdays must name at least one day.");
        RuleForEach(c => c.Weekdays).IsInEnum();
        RuleFor(c => c.FirstSlotAt).NotNull();
        RuleFor(c => c.StartsOn).NotNull();
        RuleFor(c => c.Weeks).NotNull().InclusiveBetween(1, 104);
    }
}

public sealed class CommitHandler(ContingencyDb db, TimeProvider clock, PaymentTriggers triggers, ILogger<CommitHandler> log)
    : ICommandHandler<Commit, CommitmentView>
{
    public async ValueTask<CommitmentView> Handle(Commit cmd, CancellationToken ct)
    {
        var program = await db.Programs.FindAsync([cmd.ProgramId], ct) ?? throw new NotFoundException("program", cmd.ProgramId);
        var provider = await db.Providers.FindAsync([cmd.ProviderId], ct) ?? throw new NotFoundException("provider", cmd.ProviderId!);

        // How long a slot is belongs to the program, so this bound can only be checked here.
        var dayEndsAt = cmd.FirstSlotAt!.Value.Hour * 60 + cmd.FirstSlotAt.Value.Minute + cmd.SlotsPerDay!.Value * program.SessionMinutes;
        if (dayEndsAt > 24 * 60)
            throw new ValidationException([new ValidationFailure("firstSlotAt",
                $"{cmd.SlotsPerDay} slots of {program.SessionMinutes} minutes from {cmd.FirstSlotAt:HH:mm} end after 24:00.")]);

        var startsOn = cmd.StartsOn!.Value;
        var endsOn = startsOn.AddDays(7 * cmd.Weeks!.Value - 1);
        if (!program.Covers(startsOn, endsOn))
            throw new UnprocessableException(ErrorCodes.OutsideProgram,
                $"The commitment runs {startsOn:yyyy-MM-dd}..{endsOn:yyyy-MM-dd}; the program runs {program.StartsOn:yyyy-MM-dd}..{program.EndsOn:yyyy-MM-dd}.");
        var today = program.Zone.Today(clock);
        if (startsOn < today)
            throw new UnprocessableException(ErrorCodes.InThePast, $"startsOn {startsOn:yyyy-MM-dd} is before today ({today:yyyy-MM-dd}) in {program.TimeZone}.");
        if (provider.Status != Provider.Active)
            throw new UnprocessableException(ErrorCodes.ProviderInactive, $"Provider '{provider.Id}' is {provider.Status}.");
        if (await db.Commitments.AnyAsync(c => c.ProviderId == provider.Id && c.ActiveInProgramId == program.Id, ct))
            throw AlreadyCommitted(provider.Id);

        var now = clock.GetUtcNow();
        var commitment = new Commitment(Ids.New(), program, provider, cmd.SlotsPerDay.Value, WeekdaySet.Of(cmd.Weekdays!),
            cmd.FirstSlotAt.Value, startsOn, cmd.Weeks.Value, cmd.ExcludedDates ?? [], now);
        if (commitment.TotalSlots == 0)
            throw new UnprocessableException(ErrorCodes.NoSlots, "Those weekdays, holidays and excluded dates leave no slot at all.");

        db.Commitments.Add(commitment);
        // The payment schedule is written in the same transaction as the commitment it pays for.
        var payments = PaymentPlan.Reconcile(commitment, program, program.Calendar(), [], Ids.New, now);
        db.Payments.AddRange(payments);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            throw AlreadyCommitted(provider.Id);
        }
        log.LogInformation("Commitment {CommitmentId} of provider {ProviderId} in program {ProgramId}: {TotalSlots} slots, {Payments} payments",
            commitment.Id, provider.Id, program.Id, commitment.TotalSlots, payments.Count);
        // A payment whose moment had already passed is due at once: ask for a run now rather than next week.
        if (payments.Any(p => p.DueAt <= now)) await triggers.RunSoonAsync(program.Id, ct);
        return CommitmentView.From(commitment);
    }

    private static ConflictException AlreadyCommitted(string providerId) =>
        new(ErrorCodes.AlreadyCommitted, $"Provider '{providerId}' already has an active commitment in this program.");
}
