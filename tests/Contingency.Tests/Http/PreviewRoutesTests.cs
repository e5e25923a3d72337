namespace Contingency.Tests.Http;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Contingency.Tests.Support;

/// <summary>
/// The dry runs the enrollment screens show before a write: each answers what the write then does, and
/// changes nothing (no row, no audit entry).
/// </summary>
public sealed class PreviewRoutesTests
{
    private static readonly string[] Tables = ["Providers", "Commitments", "Payments", "Appointments", "AuditEntries"];

    private static async Task<Dictionary<string, long>> Counts(ContingencyApp app)
    {
        await using var connection = app.OpenDatabase();
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts[table] = Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        return counts;
    }

    /// <summary>Rows as the tables hold them, so a preview that changed a value in place shows too.</summary>
    private static async Task<string> Snapshot(Api api, string providerId, string programId) =>
        (await api.Get($"/api/providers/{providerId}")).Raw
        + (await api.Get($"/api/providers/{providerId}/payments?programId={programId}")).Raw
        + (await api.Get($"/api/programs/{programId}/commitments?pageSize=500")).Raw
        + (await api.Get($"/api/appointments?programId={programId}&pageSize=500")).Raw;

    private static async Task<Response> PostCsv(Api api, string path, string csv)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return await Response.Of(await api.Http.PostAsync(path, content));
    }

    [Fact]
    public async Task An_import_preview_reports_what_the_import_then_does_and_enrolls_nobody()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var enrolled = Api.NewNpi();
        await api.Enroll(Api.ProviderBody(npi: enrolled));
        var fresh = Api.NewNpi();
        var csv = "name,npi,licenseType,licenseNumber,email,region,modalities,languages\n"
            + $"Ana Ruiz,{fresh},LCSW,LCSW 1,ana@example.org,Sacramento,video;phone,en;es\n"
            + $"Bo Chen,{enrolled},LMFT,LMFT 2,bo@example.org,Sacramento,video,en\n"
            + $"Cy Dahl,{fresh},LMFT,LMFT 3,cy@example.org,Sacramento,video,en\n"
            + "Di Eze,123,LMFT,LMFT 4,not-an-email,Sacramento,video,en\n";

        var before = await Counts(app);
        var preview = (await PostCsv(api, "/api/providers/import/preview", csv)).Expect(HttpStatusCode.OK);
        Assert.Equal(before, await Counts(app));
        Assert.Equal(0, (await api.Get("/api/providers?region=Sacramento")).Expect(HttpStatusCode.OK).Int("total"));

        var import = (await PostCsv(api, "/api/providers/import", csv)).Expect(HttpStatusCode.OK);
        Assert.Equal((1, 2, 1), (preview.Int("created"), preview.Int("duplicates"), preview.Int("invalid")));
        Assert.Equal((preview.Int("created"), preview.Int("duplicates"), preview.Int("invalid")),
            (import.Int("created"), import.Int("duplicates"), import.Int("invalid")));
        var previewRows = preview.GetProperty("rows").EnumerateArray().ToList();
        var importRows = import.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(importRows.Select(r => (r.Int("line"), r.Str("status"), r.GetProperty("errors").ToString())),
            previewRows.Select(r => (r.Int("line"), r.Str("status"), r.GetProperty("errors").ToString())));
        // No id for a provider the preview did not create; the duplicate's id is the enrolled one's either way.
        Assert.Equal(JsonValueKind.Null, previewRows[0].GetProperty("id").ValueKind);
        Assert.Equal(importRows[1].Str("id"), previewRows[1].Str("id"));
        Assert.Equal(1, (await api.Get("/api/providers?region=Sacramento")).Expect(HttpStatusCode.OK).Int("total"));
    }

    [Fact]
    public async Task An_import_preview_refuses_what_the_import_refuses()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        (await PostCsv(api, "/api/providers/import/preview", "name,npi\nA,1\n")).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        (await api.Post("/api/providers/import/preview", new { csv = "x" })).ExpectProblem(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task A_commitment_preview_answers_the_slots_and_payments_the_commitment_then_has()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var program = await api.CreateProgram(Api.ProgramBody(holidays: ["2027-03-10"]));
        var provider = await api.Enroll();
        // Starts on a Wednesday, three weekdays, one excluded date: the first and last weeks are partial.
        var body = Api.CommitmentBody(provider.Id(), startsOn: "2027-03-03", weeks: 2, slotsPerDay: 4,
            weekdays: ["Monday", "Wednesday", "Friday"], excludedDates: ["2027-03-12"]);

        var before = await Counts(app);
        var preview = (await api.Post($"/api/programs/{program.Id()}/commitments/preview", body)).Expect(HttpStatusCode.OK);
        Assert.Equal(before, await Counts(app));

        Assert.Equal(("2027-03-03", "2027-03-16", 16), (preview.Str("startsOn"), preview.Str("endsOn"), preview.Int("totalSlots")));
        Assert.Equal(new[] { ("2027-03-01", 8), ("2027-03-08", 4), ("2027-03-15", 4) },
            preview.GetProperty("weeks").EnumerateArray().Select(w => (w.Str("monday"), w.Int("slots"))));

        var commitment = await api.Commit(program.Id(), body);
        Assert.Equal((commitment.Str("endsOn"), commitment.Int("totalSlots")), (preview.Str("endsOn"), preview.Int("totalSlots")));
        var payments = (await api.Get($"/api/providers/{provider.Id()}/payments?programId={program.Id()}")).Expect(HttpStatusCode.OK)
            .EnumerateArray().ToList();
        static string Key(JsonElement p) => string.Join('|', p.Str("kind"), p.GetProperty("periodStart").ToString(), p.Int("sessions"),
            p.GetProperty("amount").GetDecimal(), p.Str("currency"), p.Str("dueAt"));
        Assert.Equal(4, payments.Count);
        Assert.Equal(payments.Select(Key).Order(), preview.GetProperty("payments").EnumerateArray().Select(Key).Order());
        Assert.Contains(preview.GetProperty("payments").EnumerateArray(), p => p.Str("dueAt") == "2027-02-26T17:00:00-08:00");

        // The same refusals as the commitment: now it exists, a second is already-committed.
        (await api.Post($"/api/programs/{program.Id()}/commitments/preview", body)).ExpectProblem(HttpStatusCode.Conflict, "already-committed");
        (await api.Post($"/api/programs/{program.Id()}/commitments/preview", Api.CommitmentBody(provider.Id(), startsOn: "2027-01-04")))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "outside-program");
        (await api.Post($"/api/programs/{program.Id()}/commitments/preview", Api.CommitmentBody(provider.Id(), slotsPerDay: 13)))
            .ExpectValidation("slotsPerDay");
        (await api.Post($"/api/programs/missing/commitments/preview", body)).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_deactivation_preview_answers_what_the_deactivation_then_does_and_changes_nothing()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, providerId, commitmentId) = await api.Scenario();
        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-03-05T17:00:00-08:00"));
        (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-03-08T10:00:00-08:00"));
        await api.Book(Api.BookingBody(providerId, "2027-03-09T09:00:00-08:00", memberRef: "M-kept"));
        var moved = await api.Book(Api.BookingBody(providerId, "2027-03-11T09:00:00-08:00", memberRef: "M-moved"));
        var body = new { effectiveOn = "2027-03-10", reason = "Licence lapsed" };

        var before = await Counts(app);
        var snapshot = await Snapshot(api, providerId, programId);
        var preview = (await api.Post($"/api/providers/{providerId}/deactivate/preview", body));
        var answer = preview.Expect(HttpStatusCode.OK);
        Assert.Equal(before, await Counts(app));
        Assert.Equal(snapshot, await Snapshot(api, providerId, programId));
        Assert.DoesNotContain("M-moved", preview.Raw);

        var withdrawn = Assert.Single(answer.GetProperty("withdrawnCommitments").EnumerateArray());
        Assert.Equal((commitmentId, "withdrawn", "2027-03-09", 42), (withdrawn.Id(), withdrawn.Str("status"), withdrawn.Str("endsOn"), withdrawn.Int("totalSlots")));
        var displaced = Assert.Single(answer.GetProperty("displacedAppointments").EnumerateArray());
        Assert.Equal((moved.Id(), "2027-03-11T09:00:00-08:00"), (displaced.Id(), displaced.Str("start")));
        var adjustment = Assert.Single(answer.GetProperty("adjustments").EnumerateArray());
        Assert.Equal(("2027-03-08", -18, -3600.00m), (adjustment.Str("periodStart"), adjustment.Int("sessions"), adjustment.GetProperty("amount").GetDecimal()));
        var cancelled = answer.GetProperty("cancelledPayments").EnumerateArray().Select(p => p.Id()).Order().ToList();
        Assert.Equal(6, cancelled.Count);

        var done = (await api.Post($"/api/providers/{providerId}/deactivate", body)).Expect(HttpStatusCode.OK);
        Assert.Equal(new[] { withdrawn.Id() }, done.GetProperty("withdrawnCommitments").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(new[] { displaced.Id() }, done.GetProperty("displacedAppointments").EnumerateArray().Select(c => c.GetString()));
        var payments = (await api.Get($"/api/providers/{providerId}/payments?programId={programId}")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        Assert.Equal(cancelled, payments.Where(p => p.Str("status") == "cancelled").Select(p => p.Id()).Order());
        var made = Assert.Single(payments, p => p.Str("kind") == "adjustment");
        Assert.Equal((adjustment.Str("periodStart"), adjustment.Int("sessions"), adjustment.GetProperty("amount").GetDecimal(), adjustment.Str("dueAt")),
            (made.Str("periodStart"), made.Int("sessions"), made.GetProperty("amount").GetDecimal(), made.Str("dueAt")));
        // The partly removed week was paid already: it comes back as the adjustment above, and no scheduled
        // payment is recomputed.
        Assert.Empty(answer.GetProperty("recomputedPayments").EnumerateArray());

        // Now inactive: the preview refuses as the deactivation does.
        (await api.Post($"/api/providers/{providerId}/deactivate/preview", body)).ExpectProblem(HttpStatusCode.Conflict, "invalid-transition");
    }

    [Fact]
    public async Task A_deactivation_preview_refuses_a_day_in_the_past_and_an_unknown_provider()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-03-08T10:00:00-08:00"));
        var before = await Counts(app);
        (await api.Post($"/api/providers/{providerId}/deactivate/preview", new { effectiveOn = "2027-03-05", reason = "late" }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "in-the-past");
        (await api.Post("/api/providers/nobody/deactivate/preview", new { effectiveOn = "2027-03-10", reason = "x" }))
            .ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post($"/api/providers/{providerId}/deactivate/preview", new { effectiveOn = "2027-03-10" })).ExpectValidation("reason");
        Assert.Equal(before, await Counts(app));
        Assert.Equal("active", (await api.Get($"/api/providers/{providerId}")).Expect(HttpStatusCode.OK).Str("status"));
    }
}
