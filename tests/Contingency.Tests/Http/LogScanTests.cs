namespace Contingency.Tests.Http;

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Contingency.Data.Entities;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

/// <summary>
/// The log scan at the most verbose level: every category at Trace, EF Core's and ASP.NET Core's
/// own included. Every test service runs the scan when it is disposed; these tests drive every
/// route that takes member data, contact data or a licence number, and check that the scan saw
/// what it must (the values sent, lines that carry the ids) before they assert that it found nothing.
/// </summary>
public sealed class LogScanTests
{
    private static readonly DateTimeOffset AfterFirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:05:00-08:00", CultureInfo.InvariantCulture);

    /// <summary>A service that logs everything to the capture (the console is spared it).</summary>
    private static ContingencyApp Verbose()
    {
        var app = new ContingencyApp();
        foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Quartz" })
            app.Settings[$"Logging:LogLevel:{category}"] = "Trace";
        app.Settings["Logging:Console:LogLevel:Default"] = "None";
        // Even a rule of the capture's own for the host's request lines does not bring them back.
        app.Settings[$"Logging:{typeof(CapturedLogs).FullName}:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace";
        return app;
    }

    [Fact]
    public async Task Every_route_with_member_data_logs_ids_and_nothing_it_was_sent()
    {
        await using var app = Verbose();
        var api = app.Api();
        var unique = Guid.NewGuid().ToString("N")[..12];
        string Member(string what) => $"M-{what}-{unique}";
        var email = $"scan-{unique}@example.org";
        var licence = $"LMFT {unique}";

        // Enrollment, with the provider's contact data and licence.
        var program = await api.CreateProgram();
        var provider = await api.Enroll(Provider(email, licence));
        var other = await api.Enroll(Provider($"other-{unique}@example.org", $"LCSW {unique}"));
        (await api.Post("/api/providers", Provider($"dup-{unique}@example.org", $"LPCC {unique}", provider.Str("npi"))))
            .ExpectProblem(HttpStatusCode.Conflict, "duplicate-npi");
        (await api.Post("/api/providers", Provider($"not-an-email-{unique}", licence))).ExpectValidation("email");
        var commitment = await api.Commit(program.Id(), Api.CommitmentBody(provider.Id()));
        var otherCommitment = await api.Commit(program.Id(), Api.CommitmentBody(other.Id()));

        // Booking, and every way a booking is refused.
        var booked = await api.Book(Api.BookingBody(provider.Id(), "2027-03-02T09:00:00-08:00", memberRef: Member("booked")));
        (await api.Post("/api/appointments", Api.BookingBody(provider.Id(), "2027-03-02T09:00:00-08:00", memberRef: Member("lost"))))
            .ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        var keyed = Api.BookingBody(provider.Id(), "2027-03-02T10:00:00-08:00", memberRef: Member("keyed"), kind: "follow-up",
            previousVisitOn: "2027-02-22");
        var first = (await api.Post("/api/appointments", keyed, idempotencyKey: $"scan-{unique}")).Expect(HttpStatusCode.Created);
        var replayed = (await api.Post("/api/appointments", keyed, idempotencyKey: $"scan-{unique}")).Expect(HttpStatusCode.Created);
        Assert.Equal(first.Id(), replayed.Id());
        (await api.Post("/api/appointments", Api.BookingBody(provider.Id(), "2027-03-02T11:00:00-08:00", memberRef: Member("reused")),
            idempotencyKey: $"scan-{unique}")).ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        (await api.Post("/api/appointments", Api.BookingBody(provider.Id(), "2027-03-02T09:30:00-08:00", memberRef: Member("no-slot"))))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "not-a-committed-slot");
        (await api.Post("/api/appointments", Api.BookingBody(provider.Id(), "2027-01-29T09:00:00-08:00", memberRef: Member("past"))))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "in-the-past");
        (await api.Post("/api/appointments", Api.BookingBody(provider.Id(), "2027-03-03T09:00:00-08:00", memberRef: Member("phone"), modality: "phone")))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "modality-not-offered");
        (await api.Post("/api/appointments", Api.BookingBody("nope", "2027-03-03T09:00:00-08:00", memberRef: Member("nobody"))))
            .ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post("/api/appointments", Api.BookingBody(provider.Id(), "2027-03-03T09:00:00-08:00", memberRef: Member("long") + new string('x', 64))))
            .ExpectValidation("memberRef");
        (await api.Post("/api/appointments", Api.BookingBody(provider.Id(), "2027-03-03T09:00:00-08:00", memberRef: Member("walk-in"), kind: "walk-in")))
            .ExpectValidation("kind");
        (await Raw(app, "/api/appointments", $$"""{ "memberRef": "{{Member("malformed")}}", "providerId": "{{provider.Id()}}", "start": 12 }"""))
            .ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");

        // What becomes of appointments; the cancel reason is free text and names the member too.
        var moved = (await api.Post($"/api/appointments/{booked.Id()}/reschedule",
            new { providerId = provider.Id(), start = "2027-03-02T11:00:00-08:00", memberRef = Member("hijack") })).Expect(HttpStatusCode.Created);
        var completed = await api.Book(Api.BookingBody(provider.Id(), "2027-03-02T12:00:00-08:00", memberRef: Member("completed")));
        (await api.Post($"/api/appointments/{completed.Id()}/complete", null)).Expect(HttpStatusCode.OK);
        var noShow = await api.Book(Api.BookingBody(provider.Id(), "2027-03-02T13:00:00-08:00", memberRef: Member("no-show")));
        (await api.Post($"/api/appointments/{noShow.Id()}/no-show", null)).Expect(HttpStatusCode.OK);
        var cancelled = await api.Book(Api.BookingBody(provider.Id(), "2027-03-02T14:00:00-08:00", memberRef: Member("cancelled")));
        (await api.Post($"/api/appointments/{cancelled.Id()}/cancel", new { reason = $"{Member("cancelled")} moved away", initiatedBy = "member" }))
            .Expect(HttpStatusCode.OK);
        (await api.Post($"/api/appointments/{cancelled.Id()}/complete", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid-transition");
        (await api.Get($"/api/appointments/{moved.Id()}")).Expect(HttpStatusCode.OK);
        (await app.ApiAsProvider(provider.Id()).Get($"/api/appointments/{moved.Id()}")).Expect(HttpStatusCode.OK);

        // A withdrawal that displaces a member's appointment.
        var displaced = await api.Book(Api.BookingBody(other.Id(), "2027-03-09T09:00:00-08:00", memberRef: Member("displaced")));
        var withdrawn = (await api.Post($"/api/commitments/{otherCommitment.Id()}/withdraw", new { effectiveOn = "2027-03-08", reason = "strike over" }))
            .Expect(HttpStatusCode.OK);
        Assert.Contains(displaced.Id(), withdrawn.GetProperty("displacedAppointments").EnumerateArray().Select(e => e.GetString()));

        // Member data and contact data in query strings (the contract's later appointment list takes memberRef).
        await api.Get($"/api/appointments?memberRef={Uri.EscapeDataString(Member("query"))}&status=booked");
        (await api.Get($"/api/providers?region=Santa%20Rosa&email={Uri.EscapeDataString(email)}")).Expect(HttpStatusCode.OK);

        // Tokens the service refuses: another key, expired, another audience, not a token at all.
        var refused = new[]
        {
            app.Token("scan", [Roles.Admin], key: $"another-signing-key-{unique}-0123456789"),
            app.Token("scan", [Roles.Admin], lifetime: TimeSpan.FromMinutes(5), issuedAt: app.Now.AddHours(-1)),
            app.Token("scan", [Roles.Admin], audience: "someone-else"),
            $"not-a-token-{unique}",
            $"eyJhbGciOiJIUzI1NiJ9.{unique}.{unique}",
        };
        foreach (var token in refused)
            (await new Api(app.ClientWith(token)).Get($"/api/appointments/{moved.Id()}")).ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated");

        // Reads, an extension, and a payment run with its batch.
        (await api.Get($"/api/providers/{provider.Id()}")).Expect(HttpStatusCode.OK);
        (await api.Get($"/api/providers/{provider.Id()}/slots?from=2027-03-01&to=2027-03-07")).Expect(HttpStatusCode.OK);
        (await api.Get($"/api/programs/{program.Id()}/slots?from=2027-03-01&to=2027-03-07")).Expect(HttpStatusCode.OK);
        (await api.Get($"/api/programs/{program.Id()}/capacity?by=week")).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/programs/{program.Id()}/extend", new { weeks = 1 })).Expect(HttpStatusCode.OK);
        app.Clock.SetUtcNow(AfterFirstPaymentMoment);
        // The scheduler may fire first on the moved clock; either run makes the batch.
        (await api.Post($"/api/programs/{program.Id()}/payment-runs", null)).Expect(HttpStatusCode.OK);
        string? batchId = null;
        Assert.True(await Eventually.True(async () =>
        {
            batchId = (await api.Get($"/api/providers/{provider.Id()}/payments?programId={program.Id()}")).Expect(HttpStatusCode.OK)
                .EnumerateArray().Select(p => p.GetProperty("batchId").GetString()).FirstOrDefault(b => b is not null);
            return batchId is not null;
        }));
        (await api.Get($"/api/payment-batches/{batchId}")).Expect(HttpStatusCode.OK);
        (await app.CreateClient().GetAsync($"/api/payment-batches/{batchId}/remittance.csv")).EnsureSuccessStatusCode();
        (await api.Get("/api/jobs")).Expect(HttpStatusCode.OK);

        // The scan was sent what it looks for...
        foreach (var what in new[] { "booked", "lost", "keyed", "reused", "no-slot", "past", "phone", "nobody", "walk-in", "malformed",
                     "hijack", "completed", "no-show", "cancelled", "displaced", "query" })
            Assert.True(app.Sent.Contains("memberRef", Member(what)), $"the scan never saw memberRef {what}");
        Assert.True(app.Sent.Contains("email", email));
        Assert.True(app.Sent.Contains("licenseNumber", licence));
        Assert.True(app.Sent.Contains("email", $"not-an-email-{unique}"));
        foreach (var token in refused) Assert.True(app.Sent.Contains("token", token));
        Assert.True(app.Sent.Contains("signing key", ContingencyApp.SigningKey));
        Assert.True(app.Sent.Contains("connection string", app.ConnectionString));

        // ...the lines it read came from every layer, at the most verbose level...
        var lines = app.Logs.Lines;
        Assert.Contains(lines, l => l.StartsWith("Debug Microsoft.EntityFrameworkCore.Database.Command", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Debug Microsoft.EntityFrameworkCore.ChangeTracking", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Trace ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" Microsoft.AspNetCore.Routing.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" Microsoft.AspNetCore.Authentication.JwtBearer.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Quartz", StringComparison.Ordinal));
        // ...and they carry the ids, which is what the service's own lines are for...
        foreach (var id in new[] { program.Id(), provider.Id(), commitment.Id(), otherCommitment.Id(), booked.Id(), moved.Id(), cancelled.Id(), batchId! })
            Assert.Contains(lines, l => l.Contains(id, StringComparison.Ordinal));
        // ...but not the host's request lines, which would quote the query string.
        Assert.DoesNotContain(lines, l => l.Contains("Microsoft.AspNetCore.Hosting.Diagnostics: Request starting", StringComparison.Ordinal));

        Assert.Empty(app.Logs.Violations(app.Sent));
    }

    [Fact]
    public async Task An_unexpected_failure_is_logged_by_trace_id_with_its_messages_withheld()
    {
        await using var app = Verbose();
        app.Interceptors.Add(new QuotingFault());
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        var memberRef = $"{QuotingFault.Prefix}{Guid.NewGuid():N}";

        var failed = await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: memberRef));

        var body = failed.ExpectProblem(HttpStatusCode.InternalServerError, "internal-error");
        Assert.DoesNotContain(memberRef, failed.Raw);
        var traceId = body.Str("traceId");
        var logged = Assert.Single(app.Logs.Lines, l => l.Contains("Unhandled failure", StringComparison.Ordinal));
        Assert.StartsWith("Error ", logged);
        Assert.Contains($"POST /api/appointments (trace {traceId})", logged);
        Assert.Contains("System.InvalidOperationException (message withheld", logged);
        Assert.Contains("System.FormatException (message withheld", logged);
        Assert.Contains(nameof(QuotingFault), logged); // the stack trace stays: it says where
        Assert.DoesNotContain(memberRef, logged);
        // Logged once: the framework's exception handler does not log it again with its messages.
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("An unhandled exception has occurred", StringComparison.Ordinal));
        Assert.True(app.Sent.Contains("memberRef", memberRef));
        Assert.Empty(app.Logs.Violations(app.Sent));
    }

    [Fact]
    public void The_scan_finds_a_sent_value_in_a_line_a_scope_or_a_problem_body()
    {
        var sent = SentValues.For(TempDatabase.NewPath());
        sent.RecordBody("application/json", """{ "providerId": "p", "memberRef": "M-in-a-line", "email": "in-\u0061-body@example.org" }""");
        sent.RecordBody("text/csv", "name,npi,licenseType,licenseNumber,email\r\n\"Hansen, L\",1234567893,LMFT,\"LMFT 9\"\"9\",csv@example.org\r\n");
        sent.RecordAuthorization("Bearer header.payload.signature");
        Assert.True(sent.Contains("licenseNumber", "LMFT 9\"9"));
        Assert.True(sent.Contains("email", "csv@example.org"));

        var logs = new CapturedLogs();
        var logger = logs.CreateLogger("Scan");
        logger.LogInformation("Clean line about appointment {AppointmentId}", "a1");
        Assert.Empty(logs.Violations(sent));

        logger.LogInformation("Booked {AppointmentId}", "M-in-a-line");
        using (logger.BeginScope("for in-a-body@example.org")) logger.LogInformation("Scoped line");
        logger.LogError(new InvalidOperationException("token header.payload.signature refused"), "Failed");
        logs.AddProblemBody("""{ "detail": "csv@example.org is taken" }""");

        var violations = logs.Violations(sent);
        Assert.Equal(4, violations.Count);
        // The report names what it found, and repeats none of it.
        Assert.All(violations, v => Assert.DoesNotContain("M-in-a-line", v));
        Assert.Contains(violations, v => v.StartsWith("log line carries a memberRef", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("log line carries a email", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("log line carries a token", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("problem body carries a email", StringComparison.Ordinal));
    }

    private static object Provider(string email, string licenseNumber, string? npi = null) => new
    {
        name = "Leslie Hansen",
        npi = npi ?? Api.NewNpi(),
        licenseType = "LMFT",
        licenseNumber,
        email,
        region = "Santa Rosa",
        modalities = new[] { "video", "in-person" },
        languages = new[] { "en" },
    };

    private static async Task<Response> Raw(ContingencyApp app, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await Response.Of(await app.CreateClient().SendAsync(request));
    }

    /// <summary>
    /// A fault deep in a save whose messages quote a member reference, as .NET's own exceptions quote
    /// their input ("The input string '…' was not in a correct format.").
    /// </summary>
    private sealed class QuotingFault : SaveChangesInterceptor
    {
        public const string Prefix = "M-fault-";

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            var added = eventData.Context!.ChangeTracker.Entries<Appointment>()
                .FirstOrDefault(e => e.State == EntityState.Added && e.Entity.MemberRef.StartsWith(Prefix, StringComparison.Ordinal));
            if (added is not null)
                throw new InvalidOperationException($"Could not save the appointment of {added.Entity.MemberRef}.",
                    new FormatException($"The input string '{added.Entity.MemberRef}' was not in a correct format."));
            return ValueTask.FromResult(result);
        }
    }
}
