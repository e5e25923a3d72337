namespace Contingency.Features.Commitments;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Data.Payments;
using Contingency.Features.Payments;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
// FluentValidation has a ValidationException too; only the attribute is wanted from DataAnnotations.
using Required = System.ComponentModel.DataAnnotations.RequiredAttribute;

public sealed record CommitBody(
    [property: Required] string? ProviderId, [property: Required] int? SlotsPerDay, [property: Required] List<DayOfWeek>? Weekdays,
    [property: Required] TimeOnly? FirstSlotAt, [property: Required] DateOnly? StartsOn, [property: Required] int? Weeks,
    List<DateOnly>? ExcludedDates);

/// <summary>The terms of a commitment as sent, checked alike when it is made and when it is previewed.</summary>
public interface ICommitmentTerms
{
    string? ProviderId { get; }
    int? SlotsPerDay { get; }
    List<DayOfWeek>? Weekdays { get; }
    TimeOnly? FirstSlotAt { get; }
    DateOnly? StartsOn { get; }
    int? Weeks { get; }
    List<DateOnly>? ExcludedDates { get; }
}

public sealed record Commit(
    string ProgramId, string? ProviderId, int? SlotsPerDay, List<DayOfWeek>? Weekdays, TimeOnly? FirstSlotAt,
    DateOnly? StartsOn, int? Weeks, List<DateOnly>? ExcludedDates) : ICommand<CommitmentView>, ICommitmentTerms
{
    public static Commit From(string programId, CommitBody b) =>
        new(programId, b.ProviderId, b.SlotsPerDay, b.Weekdays, b.FirstSlotAt, b.StartsOn, b.Weeks, b.ExcludedDates);
}

public sealed class CommitValidator : CommitmentTermsValidator<Commit>;

public abstract class CommitmentTermsValidator<T> : AbstractValidator<T> where T : ICommitmentTerms
{
    protected CommitmentTermsValidator()
    {
        RuleFor(c => c.ProviderId).NotEmpty().MaximumLength(Ids.MaxLength);
        RuleFor(c => c.SlotsPerDay).NotNull().InclusiveBetween(1, Commitment.MaxSlotsPerDay);
        RuleFor(c => c.Weekdays).NotEmpty().WithMessage("weekdays must name at least one day.");
        RuleFor(c => c.FirstSlotAt).NotNull();
        RuleFor(c => c.StartsOn).NotNull().ServiceDate();
        RuleFor(c => c.Weeks).Weeks();
        RuleFor(c => c.ExcludedDates).ServiceDates();
    }
}

public sealed partial class CommitHandler(ContingencyDb db, TimeProvider clock, PaymentTriggers triggers, ILogger<CommitHandler> log)
    : ICommandHandler<Commit, CommitmentView>
{
    public async ValueTask<CommitmentView> Handle(Commit cmd, CancellationToken ct)
    {
        var (program, commitment, payments, now) = await db.WriteAsync(async () =>
        {
            // The provider's row first, as a deactivation takes it: a commitment made meanwhile either
            // waits and finds the provider inactive, or commits first and is withdrawn with the others.
            await db.Providers.Where(p => p.Id == cmd.ProviderId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, p => p.Status), ct);
            var program = await db.Programs.FindAsync([cmd.ProgramId], ct) ?? throw new NotFoundException("program", cmd.ProgramId);
            program.RequireOpen();
            var provider = await db.Providers.FindAsync([cmd.ProviderId], ct) ?? throw new NotFoundException("provider", cmd.ProviderId!);
            var now = clock.GetUtcNow();
            var commitment = new Commitment(Ids.New(), program, provider, cmd.SlotsPerDay!.Value, WeekdaySet.Of(cmd.Weekdays!),
                cmd.FirstSlotAt!.Value, cmd.StartsOn!.Value, cmd.Weeks!.Value, cmd.ExcludedDates ?? [], program.Zone.Today(clock), now);
            // Checked here for a clear answer; the unique index over (provider, active program) decides races.
            if (await db.Commitments.AnyAsync(c => c.ProviderId == provider.Id && c.ActiveInProgramId == program.Id, ct))
                throw AlreadyCommitted(provider.Id);

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
            return (program, commitment, payments, now);
        }, ct);
        Committed(log, commitment.Id, commitment.ProviderId, program.Id, commitment.TotalSlots, payments.Count);
        // A payment whose moment had already passed is due at once: ask for a run now rather than next week.
        await triggers.AfterCommitAsync(program, payments.Any(p => p.DueAt <= now), CancellationToken.None);
        return CommitmentView.From(commitment);
    }

    [LoggerMessage(LogLevel.Information, "Commitment {CommitmentId} of provider {ProviderId} in program {ProgramId}: {TotalSlots} slots, {Payments} payments")]
    private static partial void Committed(ILogger logger, string commitmentId, string providerId, string programId, int totalSlots, int payments);

    internal static ConflictException AlreadyCommitted(string providerId) =>
        new(ErrorCodes.AlreadyCommitted, $"Provider '{providerId}' already has an active commitment in this program.");
}
