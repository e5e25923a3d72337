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

public sealed record ExtendProgram(string ProgramId, int? Weeks) : ICommand<ProgramView>;

public sealed class ExtendProgramValidator : AbstractValidator<ExtendProgram>
{
    public ExtendProgramValidator() => RuleFor(c => c.Weeks).NotNull().InclusiveBetween(1, 52);
}

/// <summary>
/// The strike goes on: the program runs longer, and so does every active commitment that ran to the
/// program's old end, on the same pattern. Their new weeks' advances are scheduled in the same
/// transaction as the extension.
/// </summary>
public sealed class ExtendProgramHandler(ContingencyDb db, TimeProvider clock, PaymentTriggers triggers, ILogger<ExtendProgramHandler> log)
    : ICommandHandler<ExtendProgram, ProgramView>
{
    public async ValueTask<ProgramView> Handle(ExtendProgram cmd, CancellationToken ct)
    {
        var program = await db.Programs.FindAsync([cmd.ProgramId], ct) ?? throw new NotFoundException("program", cmd.ProgramId);
        var weeks = cmd.Weeks!.Value;
        var oldEnd = program.EndsOn;
        var now = clock.GetUtcNow();
        program.Extend(weeks);

        var calendar = program.Calendar();
        var running = await db.Commitments
            .Where(c => c.ProgramId == program.Id && c.Status == Commitment.Active && c.EndsOn == oldEnd)
            .ToListAsync(ct);
        var ids = running.Select(c => c.Id).ToList();
        var payments = (await db.Payments.Where(p => ids.Contains(p.CommitmentId)).ToListAsync(ct)).ToLookup(p => p.CommitmentId);
        foreach (var commitment in running)
        {
            commitment.Extend(weeks, calendar);
            db.Payments.AddRange(PaymentPlan.Reconcile(commitment, program, calendar, payments[commitment.Id].ToList(), Ids.New, now));
        }

        await db.SaveChangesAsync(ct);
        await triggers.EnsureAsync(program, ct);
        log.LogInformation("Program {ProgramId} extended by {Weeks} weeks to {EndsOn}; {Commitments} commitments extended",
            program.Id, weeks, program.EndsOn, running.Count);
        return ProgramView.From(program);
    }
}
