namespace Contingency.Tests.Http;

using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Programs;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The audit trail: one entry per record written, by the token's subject, in the write's own
/// transaction, never showing member, contact or licence data, and kept by the database itself.
/// </summary>
public sealed class AuditTests
{
    private static readonly DateTimeOffset FirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00", CultureInfo.InvariantCulture);

    private const string MemberRef = "M-AUDIT-4711";
    private const string LicenceNumber = "LIC-SECRET-778";
    private const string Email = "secret.person@example.org";

    private sealed record Entry(string Id, string At, string Actor, string Action, string EntityType, string EntityId, string Summary);

    /// <summary>One write as the test made it: who, under which action, and the records it touched.</summary>
    private sealed record Write(string Actor, string Action, List<(string Type, string Id)> Records);

    private static async Task<List<Entry>> Entries(Api api, string query = "")
    {
        var entries = new List<Entry>();
        for (var page = 1; ; page++)
        {
            var body = (await api.Get($"/api/audit?pageSize=500&page={page}{query}")).Expect(HttpStatusCode.OK);
            var items = body.GetProperty("items").EnumerateArray().Select(Read).ToList();
            entries.AddRange(items);
            if (items.Count < 500) return entries;
        }
    }

    private static Entry Read(JsonElement e) =>
        new(e.Str("id"), e.Str("at"), e.Str("actor"), e.Str("action"), e.Str("entityType"), e.Str("entityId"), e.Str("summary"));

    private static JsonObject ProviderBody(string? npi = null)
    {
        var body = JsonSerializer.SerializeToNode(Api.ProviderBody(npi))!.AsObject();
        body["licenseNumber"] = LicenceNumber;
        body["email"] = Email;
        return body;
    }

    private static async Task<List<JsonElement>> Payments(Api api, string providerId, string programId) =>
        (await api.Get($"/api/providers/{providerId}/payments?programId={programId}")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();

    private static async Task<long> CountEntries(string databasePath)
    {
        await using var connection = TestDatabase.Open(databasePath);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM \"AuditEntries\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_sequence_of_writes_leaves_exactly_the_matching_entries_in_order()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var admin = app.Api();
        var enroller = app.ApiAs("enroller-ana", Roles.Enrollment);
        var scheduler = app.ApiAs("scheduler-ben", Roles.Scheduling);
        var writes = new List<Write>();

        var programId = (await enroller.CreateProgram()).Id();
        writes.Add(new("enroller-ana", "create-program", [("program", programId)]));
        (await enroller.Post($"/api/programs/{programId}/extend", new { weeks = 2 })).Expect(HttpStatusCode.OK);
        writes.Add(new("enroller-ana", "extend-program", [("program", programId)]));
        var providerId = (await enroller.Enroll(ProviderBody())).Id();
        writes.Add(new("enroller-ana", "enroll", [("provider", providerId)]));
        var commitmentId = (await enroller.Commit(programId, Api.CommitmentBody(providerId))).Id();
        var scheduled = await Payments(admin, providerId, programId);
        Assert.Equal(9, scheduled.Count);
        writes.Add(new("enroller-ana", "commit", [("commitment", commitmentId), .. scheduled.Select(p => ("payment", p.Id()))]));

        var first = (await scheduler.Book(Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: MemberRef))).Id();
        writes.Add(new("scheduler-ben", "book", [("appointment", first)]));
        var second = (await scheduler.Book(Api.BookingBody(providerId, "2027-03-16T09:00:00-07:00", memberRef: MemberRef + "-2",
            kind: "follow-up", previousVisitOn: "2027-03-02"))).Id();
        writes.Add(new("scheduler-ben", "book", [("appointment", second)]));
        // Refusals write nothing, so they leave no entry.
        (await scheduler.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: MemberRef + "-3")))
            .ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        (await scheduler.Post($"/api/appointments/{first}/cancel", new { reason = "Member asked", initiatedBy = "member" })).Expect(HttpStatusCode.OK);
        writes.Add(new("scheduler-ben", "cancel", [("appointment", first)]));
        (await scheduler.Post($"/api/appointments/{first}/cancel", new { reason = "Again", initiatedBy = "member" }))
            .ExpectProblem(HttpStatusCode.Conflict, "invalid-transition");

        // Withdrawing from Wednesday of week 2 displaces the second booking, recomputes week 2 and cancels weeks 3 to 8.
        (await enroller.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-03-10", reason = "Returning to private practice" }))
            .Expect(HttpStatusCode.OK);
        var afterWithdrawal = await Payments(admin, providerId, programId);
        var changed = afterWithdrawal.Where(p => !scheduled.Any(s => s.ToString() == p.ToString())).Select(p => ("payment", p.Id())).ToList();
        Assert.Equal(7, changed.Count);
        writes.Add(new("enroller-ana", "withdraw", [("commitment", commitmentId), ("appointment", second), .. changed]));

        app.Clock.SetUtcNow(FirstPaymentMoment);
        var run = (await admin.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        var released = (await Payments(admin, providerId, programId)).Where(p => p.Str("status") == "released").Select(p => p.Id()).ToList();
        Assert.Equal(2, released.Count);
        writes.Add(new(ContingencyApp.AdminSubject, "run-payments",
            [("payment-batch", run.Str("batchId")), .. released.Select(id => ("payment", id))]));

        var entries = await Entries(admin);

        // The writes in the order made; the records of one write, saved together, in any order.
        var expected = new List<string>();
        var actual = new List<string>();
        var position = 0;
        foreach (var write in writes)
        {
            expected.AddRange(write.Records.Select(r => $"{write.Actor} {write.Action} {r.Type} {r.Id}").Order(StringComparer.Ordinal));
            actual.AddRange(entries.Skip(position).Take(write.Records.Count)
                .Select(e => $"{e.Actor} {e.Action} {e.EntityType} {e.EntityId}").Order(StringComparer.Ordinal));
            position += write.Records.Count;
        }
        Assert.Equal(expected, actual);
        Assert.Equal(position, entries.Count);
        var ids = entries.Select(e => long.Parse(e.Id, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal("2027-02-01T16:00:00+00:00", entries[0].At);
        Assert.Equal("2027-02-27T01:00:00+00:00", entries[^1].At);

        // The summaries say what changed, with values written the contract's way.
        var byAction = entries.ToLookup(e => (e.Action, e.EntityType));
        var created = Assert.Single(byAction[("create-program", "program")]).Summary;
        Assert.StartsWith("created; name: NorCal outpatient mental health contingency; timeZone: America/Los_Angeles; startsOn: 2027-03-01; weeks: 8;", created);
        Assert.Contains("sessionRate: 150.00", created);
        Assert.Contains("paymentTime: 17:00", created);
        Assert.Equal("weeks: 8 → 10", Assert.Single(byAction[("extend-program", "program")]).Summary);
        var cancelled = Assert.Single(byAction[("cancel", "appointment")]).Summary;
        Assert.Contains("status: booked → cancelled", cancelled);
        // A cancellation's free text may speak of the member's health: member data, so never its words.
        Assert.Contains("cancelReason changed", cancelled);
        Assert.DoesNotContain("Member asked", cancelled);
        Assert.Contains("heldSlot: 2027-03-02T17:00:00Z → null", cancelled);
        Assert.Contains("status: active → withdrawn", Assert.Single(byAction[("withdraw", "commitment")]).Summary);
        Assert.Contains("status: booked → displaced", Assert.Single(byAction[("withdraw", "appointment")]).Summary);
        Assert.All(byAction[("run-payments", "payment")], e => Assert.Contains("status: scheduled → released", e.Summary));

        // Never the member's reference, the email or the licence number: not even their names.
        var booked = byAction[("book", "appointment")].ToList();
        Assert.Equal(2, booked.Count);
        Assert.All(booked, e => Assert.Contains("start: 2027-03-", e.Summary));
        // Nor what an appointment says of the member's care: only the appointment's own facts.
        Assert.All(booked, e =>
        {
            foreach (var care in new[] { "kind", "follow-up", "previousVisitOn", "followUpDueBy", "timelyAccessMet" })
                Assert.DoesNotContain(care, e.Summary);
        });
        Assert.DoesNotContain("Returning to private practice", Assert.Single(byAction[("withdraw", "commitment")]).Summary);
        Assert.All(entries, e =>
        {
            Assert.DoesNotContain("M-AUDIT", e.Summary);
            Assert.DoesNotContain(LicenceNumber, e.Summary);
            Assert.DoesNotContain(Email, e.Summary);
            Assert.DoesNotContain("memberRef", e.Summary);
            Assert.DoesNotContain("licenseNumber", e.Summary);
            Assert.DoesNotContain("email", e.Summary);
        });
    }

    [Fact]
    public async Task An_update_or_delete_of_an_audit_row_fails_at_the_database()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        await api.Scenario();
        var before = await Entries(api);
        Assert.NotEmpty(before);

        await using var connection = app.OpenDatabase();
        string[] statements =
        [
            """UPDATE "AuditEntries" SET "Actor" = 'someone-else' WHERE "Sequence" = 1""",
            """UPDATE "AuditEntries" SET "Summary" = ''""",
            """DELETE FROM "AuditEntries" WHERE "Sequence" = 1""",
            "DELETE FROM \"AuditEntries\"",
            .. TestDatabase.IsPostgres
                ? new[]
                {
                    // An upsert over an entry is an update; TRUNCATE fires no row trigger, so it has its own.
                    """INSERT INTO "AuditEntries" ("Sequence", "At", "Actor", "Action", "EntityType", "EntityId", "Summary") VALUES (1, now(), 'x', 'x', 'x', 'x', 'x') ON CONFLICT ("Sequence") DO UPDATE SET "Actor" = 'x'""",
                    "TRUNCATE \"AuditEntries\"",
                }
                : new[]
                {
                    // REPLACE deletes the old row without firing delete triggers: refused all the same.
                    """INSERT OR REPLACE INTO "AuditEntries" ("Sequence", "At", "Actor", "Action", "EntityType", "EntityId", "Summary") VALUES (1, 0, 'x', 'x', 'x', 'x', 'x')""",
                },
        ];
        foreach (var sql in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("audit-append-only", refused.Message);
        }

        Assert.Equal(before, await Entries(api));
    }

    [Fact]
    public async Task Only_admins_read_the_trail()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        (await app.Api().Get("/api/audit")).Expect(HttpStatusCode.OK);
        foreach (var role in new[] { Roles.Enrollment, Roles.Scheduling, Roles.Capacity, Roles.Finance })
            (await app.ApiAs($"{role}-user", role).Get("/api/audit")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await app.ApiAsProvider("some-provider").Get("/api/audit")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await new Api(app.ClientWith(null)).Get("/api/audit")).ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task The_trail_filters_by_record_and_by_utc_day_and_pages_in_the_order_written()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var a = (await api.CreateProgram()).Id();                                  // 2027-02-01
        app.Clock.Advance(TimeSpan.FromDays(1));
        var b = (await api.CreateProgram()).Id();                                  // 2027-02-02
        (await api.Post($"/api/programs/{a}/extend", new { weeks = 1 })).Expect(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromHours(8));                                  // 2027-02-03T00:00Z
        var provider = (await api.Enroll()).Id();

        string Line(Entry e) => $"{e.Action} {e.EntityType} {e.EntityId}";
        Assert.Equal([$"create-program program {a}", $"create-program program {b}", $"extend-program program {a}"],
            (await Entries(api, "&entityType=program")).Select(Line));
        Assert.Equal([$"create-program program {a}", $"extend-program program {a}"],
            (await Entries(api, $"&entityType=program&entityId={a}")).Select(Line));
        Assert.Equal([$"enroll provider {provider}"], (await Entries(api, $"&entityId={provider}")).Select(Line));
        Assert.Equal([$"create-program program {b}", $"extend-program program {a}"],
            (await Entries(api, "&from=2027-02-02&to=2027-02-02")).Select(Line));
        Assert.Equal([$"create-program program {a}"], (await Entries(api, "&to=2027-02-01")).Select(Line));
        Assert.Equal([$"enroll provider {provider}"], (await Entries(api, "&from=2027-02-03")).Select(Line));
        Assert.Empty(await Entries(api, "&entityType=appointment"));

        var page = (await api.Get("/api/audit?entityType=program&page=2&pageSize=1")).Expect(HttpStatusCode.OK);
        Assert.Equal((2, 1, 3), (page.Int("page"), page.Int("pageSize"), page.Int("total")));
        Assert.Equal($"create-program program {b}", Line(Read(Assert.Single(page.GetProperty("items").EnumerateArray()))));
        var defaults = (await api.Get("/api/audit")).Expect(HttpStatusCode.OK);
        Assert.Equal((1, 50, 4), (defaults.Int("page"), defaults.Int("pageSize"), defaults.Int("total")));
        var past = (await api.Get("/api/audit?page=3&pageSize=2")).Expect(HttpStatusCode.OK);
        Assert.Equal(0, past.GetProperty("items").GetArrayLength());

        (await api.Get("/api/audit?pageSize=0")).ExpectValidation("pageSize");
        (await api.Get("/api/audit?pageSize=501")).ExpectValidation("pageSize");
        (await api.Get("/api/audit?page=0")).ExpectValidation("page");
        (await api.Get("/api/audit?page=2001&pageSize=500")).ExpectValidation("page");
        (await api.Get("/api/audit?from=2027-02-05&to=2027-02-01")).ExpectValidation("to");
        (await api.Get("/api/audit?from=2027-01-01&to=2028-01-02")).ExpectValidation("to");
        (await api.Get("/api/audit?from=1999-12-31")).ExpectValidation("from");
        (await api.Get($"/api/audit?entityId={new string('x', 41)}")).ExpectValidation("entityId");
        (await api.Get($"/api/audit?entityType={new string('x', 51)}")).ExpectValidation("entityType");
        (await api.Get("/api/audit?from=02/01/2027")).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        (await api.Get("/api/audit?page=x")).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
    }

    [Fact]
    public async Task A_long_change_is_summarised_within_the_limit()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var holidays = Enumerable.Range(0, 366).Select(i => new DateOnly(2027, 1, 1).AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray();
        var program = (await api.CreateProgram(Api.ProgramBody(holidays: holidays))).Id();

        var summary = Assert.Single(await Entries(api, $"&entityId={program}")).Summary;
        Assert.Equal(AuditEntry.MaxSummaryLength, summary.Length);
        Assert.EndsWith("…", summary);
        Assert.Contains("holidays: [2027-01-01, 2027-01-02", summary);
    }

    [Fact]
    public async Task Writes_outside_a_request_are_the_systems()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, providerId, _) = await api.Scenario();

        // A message sent by the service itself (as the scheduler's job does), with no caller behind it.
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ExtendProgram(programId, 1));
        var extended = Assert.Single(await Entries(api, $"&entityId={programId}"), e => e.Action == "extend-program");
        Assert.Equal(("system", "weeks: 8 → 9"), (extended.Actor, extended.Summary));

        // A save outside any message: the actor is the system and the action what it did to the record.
        // A classified property is said to have changed, never with its values.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
            var provider = await db.Providers.SingleAsync(p => p.Id == providerId);
            db.Entry(provider).Property(p => p.Email).CurrentValue = "changed@example.org";
            db.Entry(provider).Property(p => p.Name).CurrentValue = "Leslie Hansen-Ortiz";
            await db.SaveChangesAsync();
        }
        var updated = (await Entries(api, $"&entityId={providerId}")).Last();
        Assert.Equal(("system", "updated", "provider"), (updated.Actor, updated.Action, updated.EntityType));
        Assert.Equal("name: Leslie Hansen → Leslie Hansen-Ortiz; email changed", updated.Summary);
    }

    [Fact]
    public async Task The_scheduler_s_payment_run_is_written_as_the_systems()
    {
        await using var app = new ContingencyApp();
        var api = app.Api();
        var (programId, _, _) = await api.Scenario();

        app.Clock.SetUtcNow(FirstPaymentMoment);

        Assert.True(await Eventually.True(async () => (await Entries(api, "&entityType=payment-batch")).Count == 1), "the scheduler did not run");
        var run = (await Entries(api)).Where(e => e.Action == "run-payments").ToList();
        Assert.Equal(3, run.Count); // the batch, and the payment for the bonus and the first advance
        Assert.All(run, e => Assert.Equal("system", e.Actor));
        Assert.Equal(programId, (await api.Get($"/api/payment-batches/{run.Single(e => e.EntityType == "payment-batch").EntityId}"))
            .Expect(HttpStatusCode.OK).Str("programId"));
    }

    [Fact]
    public async Task A_failed_save_leaves_no_entry_and_does_not_haunt_the_next_one()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var existing = await api.Enroll(ProviderBody());
        var count = await CountEntries(app.DatabasePath);

        // Same NPI twice: the write is refused by the unique index, over HTTP and on a context directly.
        (await api.Post("/api/providers", ProviderBody(existing.Str("npi")))).ExpectProblem(HttpStatusCode.Conflict, "duplicate-npi");
        Assert.Equal(count, await CountEntries(app.DatabasePath));

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
        var now = app.Clock.GetUtcNow();
        var duplicate = new Provider("dup-provider", "Ana Ruiz", existing.Str("npi"), "LCSW", LicenceNumber, Email, "Sacramento", ["video"], ["en"], now);
        db.Providers.Add(duplicate);
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Equal(count, await CountEntries(app.DatabasePath));

        // The same context saves again without the refused record: one entry, for what this save wrote.
        db.Entry(duplicate).State = EntityState.Detached;
        db.Providers.Add(new Provider("next-provider", "Bo Chen", Api.NewNpi(), "LCSW", LicenceNumber, Email, "Sacramento", ["video"], ["en"], now));
        await db.SaveChangesAsync();
        Assert.Equal(count + 1, await CountEntries(app.DatabasePath));
        var entry = (await Entries(api)).Last();
        Assert.Equal(("system", "created", "provider", "next-provider"), (entry.Actor, entry.Action, entry.EntityType, entry.EntityId));
        Assert.DoesNotContain(LicenceNumber, entry.Summary);
        Assert.DoesNotContain(Email, entry.Summary);
    }
}
