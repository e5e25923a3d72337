namespace Contingency.Tests.Http;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

/// <summary>
/// Who may call what: every /api route against every role and every kind of bad token, as the
/// contract's Security table says. The matrix is generated from the endpoints the service maps, so
/// a route added without a line here (or without roles) fails.
/// </summary>
public sealed class SecurityTests(ContingencyApp app, ITestOutputHelper output) : IClassFixture<ContingencyApp>
{
    private const string Enrollment = Roles.Enrollment, Scheduling = Roles.Scheduling, Capacity = Roles.Capacity,
        Finance = Roles.Finance, Provider = Roles.Provider;

    /// <summary>The contract's table, route by route: the roles besides admin that may call it.</summary>
    private static readonly Dictionary<string, string[]> Matrix = new()
    {
        ["createProgram"] = [Enrollment],
        ["listPrograms"] = [Enrollment, Capacity],
        ["getProgram"] = [Enrollment, Capacity],
        ["listProgramDirectory"] = [Enrollment, Scheduling, Capacity, Finance],
        ["extendProgram"] = [Enrollment],
        ["closeProgram"] = [Enrollment],
        ["enrollProvider"] = [Enrollment],
        ["listProviders"] = [Enrollment, Capacity],
        ["getProvider"] = [Enrollment, Capacity, Provider],
        ["correctProvider"] = [Enrollment],
        ["deactivateProvider"] = [Enrollment],
        ["importProviders"] = [Enrollment],
        ["previewProviderImport"] = [Enrollment],
        ["previewProviderDeactivation"] = [Enrollment],
        ["previewCommitment"] = [Enrollment],
        ["createCommitment"] = [Enrollment],
        ["listCommitments"] = [Enrollment],
        ["getCommitment"] = [Enrollment],
        ["withdrawCommitment"] = [Enrollment],
        ["listProviderSlots"] = [Scheduling, Provider],
        ["searchFreeSlots"] = [Scheduling],
        ["bookAppointment"] = [Scheduling],
        ["listAppointments"] = [Scheduling, Provider],
        ["getAppointment"] = [Scheduling, Provider],
        ["cancelAppointment"] = [Scheduling],
        ["completeAppointment"] = [Scheduling, Provider],
        ["markNoShow"] = [Scheduling, Provider],
        ["rescheduleAppointment"] = [Scheduling],
        ["listDisplaced"] = [Scheduling],
        ["rebookAppointment"] = [Scheduling],
        ["getCapacity"] = [Capacity],
        ["exportCapacity"] = [Capacity],
        ["setDemand"] = [Enrollment],
        ["getCompliance"] = [Capacity],
        ["listProviderPayments"] = [Finance, Provider],
        ["listProgramPayments"] = [Finance, Provider],
        ["listPaymentMoments"] = [Finance],
        ["exportPayments"] = [Finance, Capacity, Provider],
        ["listPaymentBatches"] = [Finance],
        ["runPayments"] = [Finance],
        ["getPaymentBatch"] = [Finance],
        ["getRemittance"] = [Finance],
        ["listJobs"] = [Finance],
        ["listAudit"] = [],
        ["getRetention"] = [],
        ["issueCalendarFeed"] = [Enrollment, Provider],
        ["fhirReadPractitioner"] = [Enrollment, Capacity, Provider],
        ["fhirSearchPractitioner"] = [Enrollment, Capacity],
        ["fhirReadSchedule"] = [Enrollment],
        ["fhirSearchSchedule"] = [Enrollment],
        ["fhirReadSlot"] = [Scheduling, Provider],
        ["fhirSearchSlot"] = [Scheduling, Provider],
        ["fhirReadAppointment"] = [Scheduling, Provider],
        ["fhirSearchAppointment"] = [Scheduling, Provider],
    };

    /// <summary>The FHIR routes' one open door: the CapabilityStatement, which clients read before anything else.</summary>
    private const string FhirCapabilities = "/fhir/metadata";

    private List<(string Method, string Path, string Name, AllowedRoles? Allowed)> Routes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true
                        || (e.RoutePattern.RawText?.StartsWith("/fhir/", StringComparison.Ordinal) == true && e.RoutePattern.RawText != FhirCapabilities))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (
                m,
                e.RoutePattern.RawText!,
                e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? e.RoutePattern.RawText!,
                e.Metadata.GetMetadata<AllowedRoles>())))
            .ToList();

    /// <summary>A request to the route with ids that exist nowhere and an empty body: enough to pass or fail authorization.</summary>
    private static HttpRequestMessage RequestTo(string method, string pattern, string? token)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(pattern, "{[^}]+}", "nope");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH") request.Content = JsonContent.Create(new { });
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    [Fact]
    public void Every_route_has_roles_and_a_line_in_the_matrix()
    {
        var routes = Routes();
        Assert.True(routes.Count >= 24, $"only {routes.Count} /api routes found");
        Assert.All(routes, r =>
        {
            Assert.True(Matrix.ContainsKey(r.Name), $"{r.Method} {r.Path} ({r.Name}) has no line in the security matrix");
            Assert.True(r.Allowed is not null, $"{r.Method} {r.Path} carries no roles (.Allow(...))");
            var declared = r.Allowed!.Staff.Where(s => s != Roles.Admin).Concat(r.Allowed.OwnProvider ? [Roles.Provider] : []);
            Assert.Equal(Matrix[r.Name].Order(), declared.Order());
        });
    }

    /// <summary>
    /// Beyond /api too: every endpoint the service maps names its roles, or is a screen (signed in through
    /// the screens' scheme; its data comes from the API), or is one of the few anyone may call.
    /// </summary>
    [Fact]
    public void Every_endpoint_is_either_role_protected_a_signed_in_screen_or_known_to_be_open()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<AllowedRoles>() is null).ToList();
        var screens = endpoints.Where(e => e.Metadata.GetMetadata<Contingency.Screens.ScreenEndpoint>() is not null).ToList();
        Assert.Contains(screens, e => e.RoutePattern.RawText == "/");
        Assert.All(screens.Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null), e => Assert.Contains(
            e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>(),
            a => a.AuthenticationSchemes == Contingency.Screens.ScreenAuthentication.Scheme));
        // Anonymous screens: the sign-in page alone.
        Assert.Equal(["/sign-in"], screens.Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText!).Distinct());

        var open = endpoints.Except(screens).ToList();
        Assert.All(open, e => Assert.True(
            e.RoutePattern.RawText is "/health/live" or "/health/ready" or "/openapi/{documentName}.json" or FhirCapabilities
                or "/calendar/feed.ics"
                || e.RoutePattern.RawText!.StartsWith("/scalar", StringComparison.Ordinal)
                || e.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is not null,
            $"{e.RoutePattern.RawText} names no roles and is not one of the open endpoints"));
        Assert.All(open, e => Assert.True(e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null, e.RoutePattern.RawText));
    }

    [Fact]
    public async Task Every_route_answers_every_role_and_every_bad_token_as_the_policy_says()
    {
        var http = app.ClientWith(null);
        var cases = new List<(string Label, string? Token, Func<string[], int?> Expected)>
        {
            ("no token", null, _ => 401),
            ("expired", app.Token("t", [Roles.Admin], lifetime: TimeSpan.FromHours(1), issuedAt: app.Now.AddHours(-2)), _ => 401),
            ("another key", app.Token("t", [Roles.Admin], key: "a-different-signing-key-0123456789abcdef"), _ => 401),
            ("another audience", app.Token("t", [Roles.Admin], audience: "billing"), _ => 401),
            ("another issuer", Tokens.Create(System.Text.Encoding.UTF8.GetBytes(ContingencyApp.SigningKey), "someone-else", Authentication.DefaultAudience,
                "t", [Roles.Admin], null, app.Now, TimeSpan.FromHours(1)), _ => 401),
            ("not yet valid", app.Token("t", [Roles.Admin], issuedAt: app.Now.AddHours(1)), _ => 401),
            ("unsigned (alg none)", Unsigned(app.Now), _ => 401),
            ("subject posing as the service", app.Token(Caller.System, [Roles.Admin]), _ => 401),
            ("no role", app.Token("t", []), _ => 403),
            ("provider without provider_id", app.Token("t", [Roles.Provider]), _ => 403),
            ("admin", app.Token("t", [Roles.Admin]), _ => null),
        };
        foreach (var role in new[] { Enrollment, Scheduling, Capacity, Finance })
            cases.Add((role, app.Token($"t-{role}", [role]), allowed => allowed.Contains(role) ? null : 403));
        // A provider passes where the table lets it see its own records; the ids here are not its own: 404, never 403.
        cases.Add((Provider, app.Token("t-provider", [Provider], providerId: "someone"), allowed => allowed.Contains(Provider) ? 404 : 403));

        var checkedCount = 0;
        foreach (var (method, pattern, name, _) in Routes())
        {
            foreach (var (label, token, expected) in cases)
            {
                using var response = await http.SendAsync(RequestTo(method, pattern, token));
                var status = (int)response.StatusCode;
                var why = $"{method} {pattern} with {label}";
                var expectedStatus = expected(Matrix[name]);
                // A list with no id in its path answers a provider with its own rows (none here), not 404.
                if (label == Provider && expectedStatus == 404 && !pattern.Contains('{')) expectedStatus = null;
                if (expectedStatus is { } exact)
                {
                    Assert.True(status == exact, $"{why}: expected {exact}, got {status}");
                    var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                    // Under /fhir the same code, in FHIR's OperationOutcome.
                    var code = pattern.StartsWith("/fhir", StringComparison.Ordinal)
                        ? (string?)problem["issue"]?[0]?["details"]?["coding"]?[0]?["code"]
                        : (string?)problem["code"];
                    Assert.Equal(Infrastructure.ProblemDetailsHandler.CodeOf(exact), code);
                    if (exact == 401) Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
                }
                else
                {
                    // Let through: whatever the route then says of the fake ids and empty body, it is not about the caller.
                    Assert.True(status is not (401 or 403) && status < 500, $"{why}: expected to pass authorization, got {status}");
                }
                checkedCount++;
            }
        }
        output.WriteLine($"{Routes().Count} routes x {cases.Count} callers = {checkedCount} requests checked");
        Assert.Equal(Routes().Count * cases.Count, checkedCount);
    }

    /// <summary>A token with "alg": "none" and no signature, claiming admin.</summary>
    private static string Unsigned(DateTimeOffset now)
    {
        static string Part(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var payload = $$"""{"sub":"t","role":["admin"],"iss":"contingency","aud":"contingency","nbf":{{now.ToUnixTimeSeconds()}},"exp":{{now.AddHours(1).ToUnixTimeSeconds()}}}""";
        return $"{Part("""{"alg":"none","typ":"JWT"}""")}.{Part(payload)}.";
    }

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_token()
    {
        var http = app.ClientWith(null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        // Ready once the scheduler has started, in the background after the host.
        Assert.True(await Eventually.True(async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/openapi/v1.json")).StatusCode);
        // An address that is no route stays 404 for everyone, token or not.
        (await Response.Of(await http.GetAsync("/api/nothing-here"))).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    /// <summary>A token signed with the test key, with exactly these claims (no subject unless given).</summary>
    private string TokenWithClaims(Dictionary<string, object> claims) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = Authentication.DefaultIssuer,
            Audience = Authentication.DefaultAudience,
            Claims = claims,
            IssuedAt = app.Now.UtcDateTime,
            NotBefore = app.Now.UtcDateTime,
            Expires = app.Now.AddHours(1).UtcDateTime,
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(ContingencyApp.SigningKey)),
                Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });

    [Fact]
    public async Task A_token_without_a_subject_is_not_accepted()
    {
        var token = TokenWithClaims(new() { ["role"] = new[] { Roles.Admin } });
        (await Response.Of(await app.ClientWith(token).GetAsync("/api/programs"))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Roles_may_come_as_one_string_or_an_array()
    {
        string TokenWith(object roles) => TokenWithClaims(new() { ["sub"] = "someone", ["role"] = roles });
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(TokenWith("capacity")).GetAsync("/api/programs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(TokenWith(new[] { "finance", "capacity" })).GetAsync("/api/programs")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientWith(TokenWith("scheduling")).GetAsync("/api/programs")).StatusCode);
    }

    [Fact]
    public async Task The_document_declares_the_bearer_scheme_and_each_operations_roles()
    {
        var doc = JsonNode.Parse(await app.ClientWith(null).GetStringAsync("/openapi/v1.json"))!.AsObject();
        var scheme = doc["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", (string?)scheme["type"]);
        Assert.Equal("bearer", (string?)scheme["scheme"]);
        // The FHIR routes are described by their CapabilityStatement, not the OpenAPI document.
        foreach (var (method, pattern, name, _) in Routes().Where(r => r.Path.StartsWith("/api", StringComparison.Ordinal)))
        {
            var operation = doc["paths"]![pattern.TrimEnd('/')]![method.ToLowerInvariant()]!;
            Assert.NotNull(operation["security"]?[0]?["Bearer"]);
            var roles = operation["x-roles"]!.AsArray().Select(r => (string)r!).ToList();
            Assert.Equal(Matrix[name].Append(Roles.Admin).Order(), roles.Order());
        }
    }
}
