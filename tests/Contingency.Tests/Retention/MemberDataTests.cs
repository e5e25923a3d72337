namespace Contingency.Tests.Retention;

using System.Net;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Retention;
using Contingency.Tests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

/// <summary>
/// Retention:MemberDataDays after a program closed, the hashing job replaces its member references
/// with a one-way hash under the program's salt, records it in the audit trail, and leaves every
/// other program alone; a crash in the middle of a batch loses that batch only.
/// </summary>
public sealed class MemberDataTests
{
    private static readonly DateTimeOffset DayAfter = new(2027, 4, 26, 7, 0, 0, TimeSpan.Zero);

    /// <summary>Program A closed on <see cref="DayAfter"/> with five appointments of three members; program B, open, books member M-A1 too.</summary>
    private sealed record Programs(string A, string B, Dictionary<string, string> PlainRefs, string OpenAppointment);

    private static async Task<Programs> ClosedAndOpenPrograms(ContingencyApp app)
    {
        var api = app.Api();
        var (a, provider, _) = await api.Scenario();
        var plain = new Dictionary<string, string>();
        foreach (var (start, member) in new[]
                 {
                     ("2027-03-02T09:00:00-08:00", "M-A1"), ("2027-03-09T09:00:00-08:00", "M-A1"), ("2027-03-02T10:00:00-08:00", "M-A2"),
                     ("2027-03-03T09:00:00-08:00", "M-A3"), ("2027-03-04T09:00:00-08:00", "M-A2"),
                 })
            plain[(await api.Post("/api/appointments", Api.BookingBody(provider, start, memberRef: member), $"key-{start}")).Expect(HttpStatusCode.Created).Id()] = member;
        var cancelled = plain.Keys.Last();
        (await api.Post($"/api/appointments/{cancelled}/cancel", new { reason = "M-A2 moved to Oregon", initiatedBy = "member" })).Expect(HttpStatusCode.OK);

        var b = (await api.CreateProgram(Api.ProgramBody(startsOn: "2027-05-03"))).Id();
        var other = (await api.Enroll()).Id();
        await api.Commit(b, Api.CommitmentBody(other, startsOn: "2027-05-03"));
        var open = (await api.Post("/api/appointments", Api.BookingBody(other, "2027-05-04T09:00:00-07:00", memberRef: "M-A1"), "key-b"))
            .Expect(HttpStatusCode.Created).Id();

        app.Clock.SetUtcNow(DayAfter);
        (await api.Post($"/api/programs/{a}/payment-runs", null)).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/programs/{a}/close", new { force = true })).Expect(HttpStatusCode.OK);
        return new Programs(a, b, plain, open);
    }

    private static async Task<T> Read<T>(ContingencyApp app, Func<ContingencyDb, Task<T>> read)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<ContingencyDb>());
    }

    private static async Task<int> Hash(ContingencyApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new HashMemberData());
    }

    private static Task<List<Appointment>> AppointmentsOf(ContingencyApp app, string programId) =>
        Read(app, db => db.Appointments.AsNoTracking().Where(x => x.ProgramId == programId).OrderBy(x => x.Id).ToListAsync());

    private static Task<byte[]> SaltOf(ContingencyApp app, string programId) =>
        Read(app, async db => (await db.Programs.AsNoTracking().SingleAsync(p => p.Id == programId)).MemberSalt!);

    [Fact]
    public async Task After_the_window_the_closed_programs_member_references_are_hashes_counted_alike_audited_and_other_programs_untouched()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["Retention:MemberDataDays"] = "30";
        var p = await ClosedAndOpenPrograms(app);
        var salt = await SaltOf(app, p.A);
        Assert.Equal(32, salt.Length);
        var distinctBefore = (await AppointmentsOf(app, p.A)).Select(x => x.MemberRef).Distinct().Count();
        Assert.Equal(3, distinctBefore);
        Assert.Equal(6, await Read(app, db => db.IdempotencyRecords.CountAsync()));

        // Within the window nothing changes.
        app.Clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await Hash(app));
        Assert.All(await AppointmentsOf(app, p.A), x => Assert.Equal(p.PlainRefs[x.Id], x.MemberRef));

        app.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(5, await Hash(app));

        var hashed = await AppointmentsOf(app, p.A);
        Assert.Equal(p.PlainRefs.Keys.Order(), hashed.Select(x => x.Id));
        Assert.All(hashed, x =>
        {
            Assert.Equal(HashMemberDataHandler.Hash(salt, p.PlainRefs[x.Id]), x.MemberRef);
            Assert.StartsWith("h:", x.MemberRef);
            Assert.DoesNotContain(p.PlainRefs.Values, plain => x.MemberRef.Contains(plain, StringComparison.Ordinal));
            Assert.NotNull(x.MemberDataHashedAt);
            Assert.Null(x.CancelReason); // free text that could name the member
        });
        Assert.Equal(distinctBefore, hashed.Select(x => x.MemberRef).Distinct().Count());
        Assert.Equal(2, hashed.Count(x => x.MemberRef == HashMemberDataHandler.Hash(salt, "M-A1")));

        // The salt is gone once the program is done: the hashes cannot be tested against guesses any more.
        var program = await Read(app, db => db.Programs.AsNoTracking().SingleAsync(x => x.Id == p.A));
        Assert.Null(program.MemberSalt);
        Assert.NotNull(program.MemberDataHashedAt);

        // The stored booking answers that quoted the references went with them (no expiry job ran here); B's stays.
        var stored = await Read(app, db => db.IdempotencyRecords.AsNoTracking().Select(r => new { r.ResourceId, r.Response }).ToListAsync());
        Assert.Equal(new[] { p.OpenAppointment }, stored.Select(r => r.ResourceId));

        // The open program keeps its member's reference, and a search by it finds only that appointment.
        var open = Assert.Single(await AppointmentsOf(app, p.B));
        Assert.Equal(("M-A1", (DateTimeOffset?)null), (open.MemberRef, open.MemberDataHashedAt));
        var api = app.Api();
        var found = (await api.Get("/api/appointments?memberRef=M-A1")).Expect(HttpStatusCode.OK).GetProperty("items").EnumerateArray().Select(x => x.Id());
        Assert.Equal(new[] { p.OpenAppointment }, found);

        // FHIR gives the hash under a system of its own: it is no member id of the plan's.
        var fhirMember = (await api.Get($"/fhir/Appointment/{hashed[0].Id}")).Expect(HttpStatusCode.OK).GetProperty("participant")
            .EnumerateArray().Select(x => x.GetProperty("actor")).Single(x => x.TryGetProperty("identifier", out _)).GetProperty("identifier");
        Assert.Equal(("urn:contingency:hashed-member", hashed[0].MemberRef), (fhirMember.Str("system"), fhirMember.Str("value")));

        // The audit trail says so, per appointment and for the program, by the system, with no value.
        foreach (var id in p.PlainRefs.Keys)
        {
            var entries = (await api.Get($"/api/audit?entityType=appointment&entityId={id}")).Expect(HttpStatusCode.OK).GetProperty("items").EnumerateArray().ToList();
            var entry = Assert.Single(entries, e => e.Str("action") == "hash-member-data");
            Assert.Equal("system", entry.Str("actor"));
            Assert.Contains("memberRef changed", entry.Str("summary"));
            Assert.DoesNotContain(entries, e => p.PlainRefs.Values.Any(plain => e.Str("summary").Contains(plain, StringComparison.Ordinal)));
        }
        var programEntries = (await api.Get($"/api/audit?entityType=program&entityId={p.A}")).Expect(HttpStatusCode.OK).GetProperty("items").EnumerateArray();
        Assert.Contains(programEntries, e => e.Str("action") == "hash-member-data" && e.Str("summary").Contains("memberSalt changed"));

        // GET /api/retention tells what the run did; a second run finds nothing and changes nothing.
        var retention = (await api.Get("/api/retention")).Expect(HttpStatusCode.OK);
        Assert.Equal((24, 30), (retention.Int("idempotencyHours"), retention.Int("memberDataDays")));
        var job = Assert.Single(retention.GetProperty("jobs").EnumerateArray(), j => j.Str("name") == "hash-member-data");
        Assert.Equal(("completed", 5), (job.GetProperty("lastRun").Str("outcome"), job.GetProperty("lastRun").Int("affected")));
        Assert.Contains(p.A, job.GetProperty("lastRun").Str("detail"));
        // Its trigger waits for 02:30 UTC (with the scheduler paused here, the first one it was given).
        Assert.Equal(new TimeSpan(2, 30, 0), job.GetProperty("nextRunAt").GetDateTimeOffset().UtcDateTime.TimeOfDay);
        var closed = Assert.Single(retention.GetProperty("closedPrograms").EnumerateArray());
        Assert.Equal((p.A, DayAfter.AddDays(30)), (closed.Str("programId"), closed.GetProperty("memberDataHashDueAt").GetDateTimeOffset()));
        Assert.Equal(System.Text.Json.JsonValueKind.String, closed.GetProperty("memberDataHashedAt").ValueKind);

        Assert.Equal(0, await Hash(app));
        Assert.Equal(hashed.Select(x => x.MemberRef), (await AppointmentsOf(app, p.A)).Select(x => x.MemberRef));
    }

    [Fact]
    public async Task With_the_policy_off_the_job_keeps_member_data_and_says_so()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["Retention:MemberDataDays"] = "0";
        var p = await ClosedAndOpenPrograms(app);
        app.Clock.Advance(TimeSpan.FromDays(3650));
        Assert.Equal(0, await Hash(app));
        Assert.All(await AppointmentsOf(app, p.A), x => Assert.Equal(p.PlainRefs[x.Id], x.MemberRef));
        var job = Assert.Single((await app.Api().Get("/api/retention")).Expect(HttpStatusCode.OK).GetProperty("jobs").EnumerateArray(),
            j => j.Str("name") == "hash-member-data");
        Assert.Equal("off", job.GetProperty("lastRun").Str("outcome"));
    }

    /// <summary>Fails the commit of the hashing batch number <see cref="FailOn"/>: the process dies with the batch written and not committed.</summary>
    private sealed class HashingBatchFault : DbTransactionInterceptor
    {
        public int FailOn { get; init; }
        public int Commits { get; private set; }

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(System.Data.Common.DbTransaction transaction,
            TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context?.ChangeTracker.Entries<Appointment>().Any(e => e.Entity.MemberDataHashedAt is not null) == true
                && ++Commits == FailOn)
                throw new InvalidOperationException("Injected fault: the process dies before the batch commits.");
            return ValueTask.FromResult(result);
        }
    }

    [Fact]
    public async Task A_crash_in_the_middle_of_a_batch_loses_that_batch_only_and_the_restarted_job_finishes_without_hashing_twice()
    {
        var path = TempDatabase.NewPath();
        var clock = new FakeTimeProvider(ContingencyApp.DefaultNow);
        Programs p;
        byte[] salt;
        var fault = new HashingBatchFault { FailOn = 2 };
        await using (var first = ContingencyApp.Over(path, clock))
        {
            first.SchedulerRuns = false;
            first.Settings["Retention:MemberDataDays"] = "30";
            first.Settings["Retention:BatchSize"] = "2";
            first.Interceptors.Add(fault);
            p = await ClosedAndOpenPrograms(first);
            salt = await SaltOf(first, p.A);
            clock.Advance(TimeSpan.FromDays(31));

            await Assert.ThrowsAsync<InvalidOperationException>(() => Hash(first));
            Assert.Equal(2, fault.Commits);
            // The first batch committed; the second rolled back whole: every row is either its plain
            // reference or its hash, never anything between, and the salt is still there.
            var rows = await AppointmentsOf(first, p.A);
            Assert.Equal(2, rows.Count(x => x.MemberDataHashedAt is not null));
            Assert.All(rows, x => Assert.Equal(
                x.MemberDataHashedAt is null ? p.PlainRefs[x.Id] : HashMemberDataHandler.Hash(salt, p.PlainRefs[x.Id]), x.MemberRef));
            Assert.NotNull(await SaltOf(first, p.A));
            var failed = (await first.Api().Get("/api/retention")).Expect(HttpStatusCode.OK).GetProperty("jobs").EnumerateArray()
                .Single(j => j.Str("name") == "hash-member-data").GetProperty("lastRun");
            Assert.Equal(("failed", 2), (failed.Str("outcome"), failed.Int("affected")));
        }

        // Restarted, the scheduler running this time: the job's daily moments passed while the service was
        // down, and the trigger stored by the first start fires once for them, finishing what is left.
        await using var second = ContingencyApp.Over(path, clock);
        second.Settings["Retention:MemberDataDays"] = "30";
        second.Settings["Retention:BatchSize"] = "2";
        _ = second.Services;
        Assert.True(await Eventually.True(async () =>
            await Read(second, db => db.RetentionRuns.AsNoTracking().AnyAsync(r => r.Job == HashMemberData.Job && r.Outcome == RetentionRun.Completed))));

        var done = await AppointmentsOf(second, p.A);
        Assert.All(done, x => Assert.Equal(HashMemberDataHandler.Hash(salt, p.PlainRefs[x.Id]), x.MemberRef));
        var run = await Read(second, db => db.RetentionRuns.AsNoTracking().SingleAsync(r => r.Job == HashMemberData.Job));
        Assert.Equal(3, run.Affected); // what the crashed run had not committed, and nothing more
        // One audit entry per appointment: the rolled-back batch left none of its own.
        var audited = await Read(second, db => db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == "hash-member-data" && e.EntityType == "appointment").Select(e => e.EntityId).ToListAsync());
        Assert.Equal(p.PlainRefs.Keys.Order(), audited.Order());
        Assert.Null(await Read(second, db => db.Programs.AsNoTracking().Where(x => x.Id == p.A).Select(x => x.MemberSalt).SingleAsync()));
    }
}
