namespace Contingency.Tests.Http;

using System.Net;
using System.Reflection;
using System.Text;
using Contingency.Data;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;

/// <summary>
/// Redaction by classification: a classified log parameter is redacted by the service's own logging,
/// the log methods classify what they carry, and neither a refusal's body nor a configuration
/// problem repeats a classified or secret value.
/// </summary>
public sealed partial class RedactionTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [LoggerMessage(LogLevel.Warning, "Appointment {AppointmentId} of member {MemberRef}, provider reached at {Email}, licence {LicenseNumber}")]
    private static partial void Classified(ILogger logger, string appointmentId,
        [HealthData] string memberRef, [ContactData] string email, [LicenceData] string licenseNumber);

    [Fact]
    public void A_classified_log_parameter_is_redacted_by_the_service_logging()
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Contingency.Tests.Redaction");
        var unique = Guid.NewGuid().ToString("N");
        var (memberRef, email, licence) = ($"M-{unique}", $"{unique}@example.org", $"LMFT {unique}");
        app.Sent.Record("memberRef", memberRef);
        app.Sent.Record("email", email);
        app.Sent.Record("licenseNumber", licence);

        Classified(logger, $"a-{unique}", memberRef, email, licence);

        var line = Assert.Single(app.Logs.Lines, l => l.Contains($"a-{unique}", StringComparison.Ordinal));
        Assert.Contains($"of member {Redaction.Mark}, provider reached at {Redaction.Mark}, licence {Redaction.Mark}", line);
        Assert.Contains($"MemberRef={Redaction.Mark}", line);
        Assert.DoesNotContain(unique, line.Replace($"a-{unique}", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Log_methods_classify_what_they_may_carry_and_never_take_a_secret()
    {
        // Names that say the value is member, contact or licence data; names of secrets and free text.
        string[] classified = ["member", "email", "contact", "licen"];
        string[] never = ["token", "signingkey", "connection", "password", "secret", "authorization", "reason"];
        var methods = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<LoggerMessageAttribute>() is not null)
            .ToList();
        Assert.True(methods.Count >= 11, $"only {methods.Count} log methods found");

        foreach (var method in methods)
        foreach (var parameter in method.GetParameters().Where(p => p.ParameterType != typeof(ILogger) && p.ParameterType != typeof(Exception)))
        {
            var name = parameter.Name!.ToLowerInvariant();
            var where = $"{method.DeclaringType!.Name}.{method.Name}({parameter.Name})";
            Assert.False(never.Any(name.Contains), $"{where} logs what no log may carry");
            if (classified.Any(name.Contains))
                Assert.True(parameter.GetCustomAttribute<DataClassificationAttribute>() is not null, $"{where} carries classified data without its classification");
        }
    }

    [Fact]
    public async Task A_refused_booking_answers_without_the_member_reference()
    {
        var (_, providerId, _) = await api.Scenario();
        var unique = Guid.NewGuid().ToString("N")[..12];
        await api.Book(Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: $"M-first-{unique}"));
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00", memberRef: $"M-keyed-{unique}"), $"k-{unique}"))
            .Expect(HttpStatusCode.Created);

        var refusals = new (string MemberRef, Func<string, Task<Response>> Send, string Code)[]
        {
            ($"M-taken-{unique}", m => api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: m)), "slot-taken"),
            ($"M-no-slot-{unique}", m => api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:30:00-08:00", memberRef: m)), "not-a-committed-slot"),
            ($"M-past-{unique}", m => api.Post("/api/appointments", Api.BookingBody(providerId, "2027-01-29T09:00:00-08:00", memberRef: m)), "in-the-past"),
            ($"M-phone-{unique}", m => api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-03T09:00:00-08:00", memberRef: m, modality: "phone")), "modality-not-offered"),
            ($"M-nobody-{unique}", m => api.Post("/api/appointments", Api.BookingBody("nope", "2027-03-03T09:00:00-08:00", memberRef: m)), "not-found"),
            ($"M-reused-{unique}", m => api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-03T09:00:00-08:00", memberRef: m), $"k-{unique}"), "idempotency-key-reused"),
            ($"M-kind-{unique}", m => api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-03T09:00:00-08:00", memberRef: m, kind: "walk-in")), "invalid-request"),
            ($"M-long-{unique}{new string('x', 64)}", m => api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-03T09:00:00-08:00", memberRef: m)), "invalid-request"),
            ($"M-follow-up-{unique}", m => api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-03T09:00:00-08:00", memberRef: m, kind: "follow-up")), "invalid-request"),
            ($"M-malformed-{unique}", m => Raw("/api/appointments", $$"""{ "memberRef": "{{m}}", "providerId": "{{providerId}}", "start": "tomorrow" }"""), "malformed-request"),
            ($"M-hijack-{unique}", m => api.Post("/api/appointments/nope/reschedule", new { providerId, start = "2027-03-03T09:00:00-08:00", memberRef = m }), "not-found"),
        };
        foreach (var (memberRef, send, code) in refusals)
        {
            var refused = await send(memberRef);
            Assert.True(refused.Status >= HttpStatusCode.BadRequest, $"{code}: {refused.Raw}");
            Assert.Equal(code, refused.Body.Str("code"));
            Assert.DoesNotContain(memberRef, refused.Raw);
            Assert.DoesNotContain(Uri.EscapeDataString(memberRef), refused.Raw);
        }
    }

    [Fact]
    public async Task A_refused_enrollment_answers_without_the_email_or_licence_number()
    {
        var enrolled = await api.Enroll();
        var unique = Guid.NewGuid().ToString("N")[..12];
        var refusals = new (string Email, string Licence, Func<string, string, Task<Response>> Send, string Code)[]
        {
            ($"dup-{unique}@example.org", $"LMFT dup-{unique}", (e, l) => api.Post("/api/providers", Provider(e, l, npi: enrolled.Str("npi"))), "duplicate-npi"),
            ($"not-an-email-{unique}", $"LMFT bad-email-{unique}", (e, l) => api.Post("/api/providers", Provider(e, l)), "invalid-request"),
            ($"{new string('e', 250)}-{unique}@example.org", $"LMFT long-email-{unique}", (e, l) => api.Post("/api/providers", Provider(e, l)), "invalid-request"),
            ($"long-licence-{unique}@example.org", $"LMFT {unique}{new string('9', 64)}", (e, l) => api.Post("/api/providers", Provider(e, l)), "invalid-request"),
            ($"type-{unique}@example.org", $"XYZ {unique}", (e, l) => api.Post("/api/providers", Provider(e, l, licenseType: "Shaman")), "invalid-request"),
            ($"npi-{unique}@example.org", $"LMFT npi-{unique}", (e, l) => api.Post("/api/providers", Provider(e, l, npi: "1234567890")), "invalid-request"),
            ($"malformed-{unique}@example.org", $"LMFT malformed-{unique}",
                (e, l) => Raw("/api/providers", $$"""{ "email": "{{e}}", "licenseNumber": "{{l}}", "npi": 1234567893 }"""), "malformed-request"),
        };
        foreach (var (email, licence, send, code) in refusals)
        {
            var refused = await send(email, licence);
            Assert.True(refused.Status >= HttpStatusCode.BadRequest, $"{code}: {refused.Raw}");
            Assert.Equal(code, refused.Body.Str("code"));
            Assert.DoesNotContain(email, refused.Raw);
            Assert.DoesNotContain(licence, refused.Raw);
        }
    }

    [Fact]
    public void Configuration_problems_name_the_setting_never_its_value()
    {
        var env = new HostingEnvironment { EnvironmentName = "Testing", ContentRootPath = Path.GetTempPath() };
        IConfiguration Config(params (string Key, string Value)[] settings) =>
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

        const string shortKey = "short-secret-4f1c";
        var tooShort = Authentication.ConfigurationProblem(Config(("Auth:SigningKey", shortKey)), env);
        Assert.NotNull(tooShort);
        Assert.Contains("Auth:SigningKey", tooShort);
        Assert.DoesNotContain(shortKey, tooShort);

        var both = Authentication.ConfigurationProblem(
            Config(("Auth:SigningKey", ContingencyApp.SigningKey), ("Auth:Authority", "https://login.example.org")), env);
        Assert.NotNull(both);
        Assert.DoesNotContain(ContingencyApp.SigningKey, both);

        // A connection string the driver cannot read stops the start with its message: the keyword, not the password.
        const string password = "hunter2-7d0e";
        var unreadable = Assert.ThrowsAny<ArgumentException>(() =>
            Database.ConnectionString(Config(("ConnectionStrings:Contingency", $"Data Source=x.db;Password={password};Pasword={password}")), env));
        Assert.DoesNotContain(password, unreadable.ToString());
    }

    private static object Provider(string email, string licenseNumber, string? npi = null, string licenseType = "LMFT") => new
    {
        name = "Leslie Hansen",
        npi = npi ?? Api.NewNpi(),
        licenseType,
        licenseNumber,
        email,
        region = "Santa Rosa",
        modalities = new[] { "video" },
        languages = new[] { "en" },
    };

    private async Task<Response> Raw(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await Response.Of(await api.Http.SendAsync(request));
    }
}
