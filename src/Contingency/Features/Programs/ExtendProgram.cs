namespace Contingency.Features.Programs;

using System.ComponentModel.DataAnnotations;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Data.Payments;
using Contingency.Features.Payments;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record ExtendProgramBody([property: Required] int? Weeks);

public sealed record ExtendProgram(string ProgramId, int? Weeks, string? IdempotencyKey = null) : ICommand<ProgramView>;

public sealed class ExtendProgramValidator : AbstractValidator<ExtendProgram>
{
    public ExtendProgramValidator()
    {
        RuleFor(c => c.Weeks).Weeks();
        RuleFor(c => c.IdempotencyKey).MaximumLength(Idempotency.MaxKeyLength);
    }
}

/// <summary>
/// The strike goes on: the program runs longer, and so does every active commitment that ran to the
/// program's old end, on the same pattern. Their new weeks' advances are scheduled in the same
/// transaction as the extension, and a run is asked for at once when one of them is already due.
/// A retry with the same Idempotency-Key answers the first extension again instead of extending twice.
/// </summary>
public sealed partial class ExtendProgramHandler(ContingencyDb db, Idempotency idempotency, TimeProvider clock, PaymentTriggers triggers,
    ILogger<ExtendProgramHandler> log) : ICommandHandler<ExtendProgram, ProgramView>
{
    public async ValueTask<ProgramView> Handle(ExtendProgram cmd, CancellationToken ct)
    {
        var key = idempotency.KeyOf($"programs/{cmd.ProgramId}/extend", cmd.IdempotencyKey);
        var hash = Idempotency.Hash(cmd.ProgramId, cmd.Weeks);
        if (await idempotency.ReplayAsync<ProgramView>(key, hash, ct) is { } replay) return replay;

        var weeks = cmd.Weeks!.Value;
        try
        {
            var (program, view, extended, dueNow) = await db.WriteAsync(async () =>
            {
                var program = await db.Programs.FindAsync([cmd.ProgramId], ct) ?? throw new NotFoundException("program", cmd.ProgramId);
                var oldEnd = program.EndsOn;
                var now = clock.GetUtcNow();
                program.Extend(weeks);

                var calendar = program.Calendar();
                var running = await db.Commitments
                    .Where(c => c.ProgramId == program.Id && c.Status == Commitment.Active && c.EndsOn == oldEnd)
                    .ToListAsync(ct);
                var ids = running.Select(c => c.Id).ToList();
                var payments = (await db.Payments.Where(p => ids.Contains(p.CommitmentId)).ToListAsync(ct)).ToLookup(p => p.CommitmentId);
                var added = new List<Payment>();
                foreach (var commitment in running)
                {
                    commitment.Extend(weeks, calendar);
                    added.AddRange(PaymentPlan.Reconcile(commitment, program, calendar, payments[commitment.Id].ToList(), Ids.New, now));
                }
                db.Payments.AddRange(added);

                var view = ProgramView.From(program);
                idempotency.Record(key, hash, program.Id, view, now);
                await db.SaveChangesAsync(ct);
                return (program, view, running.Count, added.Any(p => p.DueAt <= now));
            }, ct);
            Extended(log, program.Id, weeks, program.EndsOn, extended);
            await triggers.AfterCommitAsync(program, dueNow, CancellationToken.None);
            return view;
        }
        catch (DbUpdateException e) when (key is not null && e.IsUniqueViolation())
        {
            // The same key raced in first on another connection: answer what it answered.
            db.ChangeTracker.Clear();
            return await idempotency.ReplayAsync<ProgramView>(key, hash, ct) ?? throw new ConflictException(
                ErrorCodes.ConcurrentUpdate, "The program changed while it was being extended; read it again and retry.");
        }
    }

    [LoggerMessage(LogLevel.Information, "Program {ProgramId} extended by {Weeks} weeks to {EndsOn}; {Commitments} commitments extended")]
    private static partial void Extended(ILogger logger, string programId, int weeks, DateOnly endsOn, int commitments);
}
