namespace Contingency.Features.Programs;

using Contingency.Data;
using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// For writes that reach a program through one of its records (an appointment) without loading the
/// program itself. Those that load it call <see cref="CareProgram.RequireOpen"/> on it; every write
/// route's answer for a closed program is checked by ProgramCloseTests.
/// </summary>
public static class ProgramGuard
{
    public static async Task RequireOpenAsync(ContingencyDb db, string programId, CancellationToken ct)
    {
        if (await db.Programs.AsNoTracking().AnyAsync(p => p.Id == programId && p.ClosedAt != null, ct))
            throw CareProgram.Closed(programId);
    }
}
