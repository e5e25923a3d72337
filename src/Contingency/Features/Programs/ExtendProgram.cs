namespace Contingency.Features.Programs;

using Contingency.Data;
using FluentValidation;
using Mediator;

public sealed record ExtendProgramBody(int? Weeks);

public sealed record ExtendProgram(string ProgramId, int? Weeks) : ICommand<ProgramView>;

public sealed class ExtendProgramValidator : AbstractValidator<ExtendProgram>
{
    public ExtendProgramValidator() => RuleFor(c => c.Weeks).NotNull().InclusiveBetween(1, 52);
}

public sealed class ExtendProgramHandler(ContingencyDb db) : ICommandHandler<ExtendProgram, ProgramView>
{
    public async ValueTask<ProgramView> Handle(ExtendProgram cmd, CancellationToken ct)
    {
        var program = await db.Programs.FindAsync([cmd.ProgramId], ct) ?? throw new NotFoundException("program", cmd.ProgramId);
        program.Extend(cmd.Weeks!.Value);
        await db.SaveChangesAsync(ct);
        return ProgramView.From(program);
    }
}
