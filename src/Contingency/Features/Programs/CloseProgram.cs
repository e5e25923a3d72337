namespace Contingency.Features.Programs;

using System.Security.Cryptography;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Payments;
using Contingency.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary><c>force</c>: close even with past appointments that have no outcome, which become <c>unresolved</c>.</summary>
public sealed record CloseProgramBody(bool? Force);

public sealed record CloseProgram(string ProgramId, bool Force) : ICommand<ProgramView>;

/// <summary>
/// Closes a program whose last day has passed: from then on every write to it is refused
/// (program-closed), and <c>Retention:MemberDataDays</c> later its member references are hashed.
/// Refused while something is left to do: a payment not yet released (run the payments first), or a
/// past appointment neither completed nor marked no-show (record its outcome, or close with
/// <c>force</c>, which marks it <c>unresolved</c>). The program's row is taken first, as setting demand
/// takes it, and the close saves against <c>weeks</c> and <c>closedAt</c>: an extension or a demand
/// under way either commits first or is refused after. A transition of an appointment racing the
/// close meets it at the appointment's status (one of them is refused). Bookings and commitments
/// cannot race it: the program's days are over, so they are refused as in the past.
/// </summary>
public sealed partial class CloseProgramHandler(ContingencyDb db, TimeProvider clock, PaymentTriggers triggers, ILogger<CloseProgramHandler> log)
    : ICommandHandler<CloseProgram, ProgramView>
{
    /// <summary>The most ids a refusal lists (with the full count beside them): enough to work through, never megabytes.</summary>
    public const int MaxListed = 1_000;

    public async ValueTask<ProgramView> Handle(CloseProgram cmd, CancellationToken ct)
    {
        var (program, unresolved) = await db.WriteAsync(async () =>
        {
            await db.Programs.Where(p => p.Id == cmd.ProgramId).ExecuteUpdateAsync(u => u.SetProperty(p => p.Weeks, p => p.Weeks), ct);
            var program = await db.Programs.FindAsync([cmd.ProgramId], ct) ?? throw new NotFoundException("program", cmd.ProgramId);
            var now = clock.GetUtcNow();
            program.RequireClosable(now);

            var scheduled = db.Payments.AsNoTracking().Where(p => p.ProgramId == program.Id && p.Status == Payment.Scheduled);
            if (await scheduled.CountAsync(ct) is > 0 and var unpaid)
            {
                var first = await scheduled.OrderBy(p => p.DueAt).ThenBy(p => p.Id).Take(MaxListed).Select(p => new { p.Id, p.DueAt }).ToListAsync(ct);
                throw new ConflictException(ErrorCodes.PaymentsOutstanding,
                    $"{unpaid} payments of program '{program.Id}' are not released yet (the first due at " +
                    $"{first[0].DueAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}); close the program once they are.")
                {
                    Details = new Dictionary<string, object?> { ["paymentIds"] = first.Select(p => p.Id).ToList(), ["count"] = unpaid },
                };
            }

            var open = db.Appointments.Where(a => a.ProgramId == program.Id && a.Status == Appointment.Booked && a.Start < now);
            var openCount = await open.CountAsync(ct);
            if (openCount > 0 && !cmd.Force)
                throw new ConflictException(ErrorCodes.OpenAppointments,
                    $"{openCount} past appointments of program '{program.Id}' were neither completed nor marked no-show: record their " +
                    "outcome, or close with force to mark them unresolved.")
                {
                    Details = new Dictionary<string, object?>
                    {
                        ["appointmentIds"] = await open.OrderBy(a => a.Start).ThenBy(a => a.Id).Take(MaxListed).Select(a => a.Id).ToListAsync(ct),
                        ["count"] = openCount,
                    },
                };
            // Forced: every one is marked, with its audit entry, in the close's one transaction (a close is
            // all or nothing). A program whose outcomes nobody recorded makes this a long write, once.
            List<Appointment> marked = openCount == 0 ? [] : await open.ToListAsync(ct);
            foreach (var appointment in marked) appointment.MarkUnresolved(now);
            program.Close(now, RandomNumberGenerator.GetBytes(CareProgram.MemberSaltLength));
            await db.SaveChangesAsync(ct);
            return (program, marked.Count);
        }, ct);
        Closed(log, program.Id, unresolved);
        // Nothing is left to pay (checked above), so the program's payment run goes; one left behind is refused when it fires.
        await triggers.RetireAsync(program.Id, CancellationToken.None);
        return ProgramView.From(program);
    }

    [LoggerMessage(LogLevel.Information, "Program {ProgramId} closed; {Unresolved} appointments marked unresolved")]
    private static partial void Closed(ILogger logger, string programId, int unresolved);
}
