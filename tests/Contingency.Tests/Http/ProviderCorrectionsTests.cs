namespace Contingency.Tests.Http;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;

/// <summary>Corrections of a provider's record: what may change, what is fixed, who may do it, and the audit of it.</summary>
public sealed class ProviderCorrectionsTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private const string NewEmail = "leslie.hansen-ortiz@example.org";
    private const string NewLicence = "LMFT 99887";

    private readonly Api api = app.Api();

    private static async Task<Response> Patch(Api api, string path, object body) =>
        await Response.Of(await api.Http.PatchAsync(path, JsonContent.Create(body)));

    [Fact]
    public async Task Corrects_the_fields_that_may_change_and_audits_the_change()
    {
        var provider = await api.Enroll();
        var corrected = (await Patch(api, $"/api/providers/{provider.Id()}", new
        {
            name = "Leslie Hansen-Ortiz", email = NewEmail, licenseNumber = NewLicence,
            modalities = new[] { "phone" }, languages = new[] { "en", "pt" },
        })).Expect(HttpStatusCode.OK);

        Assert.Equal(("Leslie Hansen-Ortiz", NewEmail, NewLicence), (corrected.Str("name"), corrected.Str("email"), corrected.Str("licenseNumber")));
        Assert.Equal(["phone"], corrected.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["en", "pt"], corrected.GetProperty("languages").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal((provider.Str("npi"), provider.Str("region"), provider.Str("licenseType"), "active"),
            (corrected.Str("npi"), corrected.Str("region"), corrected.Str("licenseType"), corrected.Str("status")));
        Assert.Equal(corrected.ToString(), (await api.Get($"/api/providers/{provider.Id()}")).Expect(HttpStatusCode.OK).ToString());

        var entries = (await api.Get($"/api/audit?entityType=provider&entityId={provider.Id()}")).Expect(HttpStatusCode.OK)
            .GetProperty("items").EnumerateArray().ToList();
        var correction = Assert.Single(entries, e => e.Str("action") == "correct-provider");
        Assert.Equal(ContingencyApp.AdminSubject, correction.Str("actor"));
        var summary = correction.Str("summary");
        Assert.Contains("name: Leslie Hansen → Leslie Hansen-Ortiz", summary);
        Assert.Contains("pt", summary);
        // Contact and licence data never reach the trail, old or new.
        foreach (var classified in new[] { NewEmail, NewLicence, "lh@example.org", "LMFT 54321" })
            Assert.DoesNotContain(classified, summary);
    }

    [Fact]
    public async Task A_field_left_out_keeps_its_value()
    {
        var provider = await api.Enroll();
        var corrected = (await Patch(api, $"/api/providers/{provider.Id()}", new { languages = new[] { "vi" } })).Expect(HttpStatusCode.OK);
        Assert.Equal(["vi"], corrected.GetProperty("languages").EnumerateArray().Select(m => m.GetString()));
        foreach (var field in new[] { "name", "email", "licenseNumber", "npi", "region", "licenseType" })
            Assert.Equal(provider.Str(field), corrected.Str(field));
        Assert.Equal(provider.GetProperty("modalities").ToString(), corrected.GetProperty("modalities").ToString());
    }

    [Theory]
    [InlineData("application/merge-patch+json", HttpStatusCode.OK, null)]
    [InlineData("application/json; charset=utf-8", HttpStatusCode.OK, null)]
    [InlineData("text/plain", HttpStatusCode.UnsupportedMediaType, "unsupported-media-type")]
    public async Task A_correction_is_json_or_a_json_merge_patch(string contentType, HttpStatusCode status, string? code)
    {
        var provider = await api.Enroll();
        using var content = new StringContent("""{ "name": "Leslie Hansen-Ortiz" }""");
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        var response = await Response.Of(await api.Http.PatchAsync($"/api/providers/{provider.Id()}", content));
        if (code is null) Assert.Equal("Leslie Hansen-Ortiz", response.Expect(status).Str("name"));
        else response.ExpectProblem(status, code);
    }

    [Theory]
    [InlineData("npi", null)]
    [InlineData("region", "Fresno")]
    [InlineData("licenseType", "LCSW")]
    public async Task Npi_region_and_licence_type_are_fixed(string field, string? other)
    {
        var provider = await api.Enroll();
        var body = new Dictionary<string, object?> { ["name"] = "Someone Else", [field] = other ?? Api.NewNpi() };
        var refused = (await Patch(api, $"/api/providers/{provider.Id()}", body)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "fixed-field");
        Assert.Contains(field, refused.Str("detail"));
        // Nothing of a refused correction is kept.
        Assert.Equal(provider.ToString(), (await api.Get($"/api/providers/{provider.Id()}")).Expect(HttpStatusCode.OK).ToString());

        // The value it already has may be sent back, as a client does that sends the whole record.
        var same = new Dictionary<string, object?> { ["name"] = "Someone Else", [field] = provider.Str(field) };
        Assert.Equal("Someone Else", (await Patch(api, $"/api/providers/{provider.Id()}", same)).Expect(HttpStatusCode.OK).Str("name"));
    }

    [Theory]
    [InlineData("email", "\"not-an-email\"")]
    [InlineData("name", "\"\"")]
    [InlineData("modalities", "[\"telepathy\"]")]
    [InlineData("modalities", "[]")]
    [InlineData("languages", "[]")]
    public async Task Corrections_are_validated_like_enrollment(string field, string json)
    {
        var provider = await api.Enroll();
        var body = new Dictionary<string, JsonElement> { [field] = JsonDocument.Parse(json).RootElement };
        var refused = await Patch(api, $"/api/providers/{provider.Id()}", body);
        refused.Expect(HttpStatusCode.BadRequest);
        Assert.Equal("invalid-request", refused.Body.Str("code"));
        Assert.StartsWith(field, refused.Body.GetProperty("errors").EnumerateObject().First().Name);
        Assert.Equal(provider.ToString(), (await api.Get($"/api/providers/{provider.Id()}")).Expect(HttpStatusCode.OK).ToString());
    }

    [Fact]
    public async Task An_unknown_provider_is_404()
    {
        (await Patch(api, "/api/providers/nope", new { name = "X" })).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post("/api/providers/nope/deactivate", new { effectiveOn = "2027-03-10", reason = "gone" }))
            .ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Only_enrollment_and_admin_correct_or_deactivate_a_provider_not_the_provider_itself()
    {
        var provider = await api.Enroll();
        foreach (var role in new[] { Roles.Scheduling, Roles.Capacity, Roles.Finance })
        {
            var other = app.ApiAs($"{role}-user", role);
            (await Patch(other, $"/api/providers/{provider.Id()}", new { name = "X" })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            (await other.Post($"/api/providers/{provider.Id()}/deactivate", new { effectiveOn = "2027-03-10", reason = "gone" }))
                .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        }
        var itself = app.ApiAsProvider(provider.Id());
        (await Patch(itself, $"/api/providers/{provider.Id()}", new { name = "X" })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await itself.Post($"/api/providers/{provider.Id()}/deactivate", new { effectiveOn = "2027-03-10", reason = "gone" }))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        var enroller = app.ApiAs("enroller-ana", Roles.Enrollment);
        Assert.Equal("Leslie H.", (await Patch(enroller, $"/api/providers/{provider.Id()}", new { name = "Leslie H." })).Expect(HttpStatusCode.OK).Str("name"));
        Assert.Equal("inactive", (await enroller.Post($"/api/providers/{provider.Id()}/deactivate", new { effectiveOn = "2027-03-10", reason = "gone" }))
            .Expect(HttpStatusCode.OK).GetProperty("provider").Str("status"));
    }
}
