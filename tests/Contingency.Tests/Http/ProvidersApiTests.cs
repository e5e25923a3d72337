namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Tests.Support;

public sealed class ProvidersApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task Enrolls_an_active_provider()
    {
        var provider = (await api.Post("/api/providers", Api.ProviderBody(npi: "1234567893"))).Expect(HttpStatusCode.Created);
        Assert.Equal("active", provider.Str("status"));
        Assert.Equal("1234567893", provider.Str("npi"));
        Assert.Equal(["video", "in-person"], provider.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()));
        var fetched = (await api.Get($"/api/providers/{provider.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(provider.ToString(), fetched.ToString());

        (await api.Post("/api/providers", Api.ProviderBody(npi: "1234567893"))).ExpectProblem(HttpStatusCode.Conflict, "duplicate-npi");
    }

    [Theory]
    [InlineData("npi", "1234567890")]
    [InlineData("npi", "12345")]
    [InlineData("licenseType", "RN")]
    [InlineData("email", "not-an-email")]
    public async Task Refuses_bad_fields(string field, string value)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(Api.ProviderBody())!.AsObject();
        body[field] = value;
        (await api.Post("/api/providers", body)).ExpectValidation(field);
    }

    [Fact]
    public async Task Refuses_an_unknown_modality()
    {
        var response = await api.Post("/api/providers", Api.ProviderBody(modalities: ["telepathy"]));
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("modalities", response.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).First());
    }

    [Fact]
    public async Task Lists_providers_by_page_with_filters()
    {
        var region = $"Region-{Guid.NewGuid():N}";
        for (var i = 0; i < 5; i++)
            await api.Enroll(Api.ProviderBody(region: region, licenseType: i % 2 == 0 ? "LCSW" : "PsyD", languages: i < 2 ? ["en", "vi"] : ["en"]));

        var page = (await api.Get($"/api/providers?region={region}&pageSize=2&page=2")).Expect(HttpStatusCode.OK);
        Assert.Equal(5, page.Int("total"));
        Assert.Equal(2, page.Int("page"));
        Assert.Equal(2, page.Int("pageSize"));
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());

        Assert.Equal(3, (await api.Get($"/api/providers?region={region}&licenseType=LCSW")).Expect(HttpStatusCode.OK).Int("total"));
        Assert.Equal(2, (await api.Get($"/api/providers?region={region}&language=vi")).Expect(HttpStatusCode.OK).Int("total"));
        var defaults = (await api.Get($"/api/providers?region={region}")).Expect(HttpStatusCode.OK);
        Assert.Equal(1, defaults.Int("page"));
        Assert.Equal(50, defaults.Int("pageSize"));
        Assert.Equal(5, defaults.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Searches_by_a_part_of_the_name_or_the_start_of_the_npi()
    {
        var region = $"Region-{Guid.NewGuid():N}";
        var tag = Guid.NewGuid().ToString("N")[..8];
        var maria = await Enroll($"Maria {tag} Ortega");
        var sam = await Enroll($"Sam {tag} Ng");
        var alvarez = await Enroll($"Ángel {tag} Álvarez");
        async Task<List<string>> Found(string q) =>
            (await api.Get($"/api/providers?region={region}&q={Uri.EscapeDataString(q)}")).Expect(HttpStatusCode.OK)
                .GetProperty("items").EnumerateArray().Select(p => p.Str("id")).ToList();

        Assert.Equal(new[] { alvarez.Id(), maria.Id(), sam.Id() }.Order(StringComparer.Ordinal), (await Found(tag)).Order(StringComparer.Ordinal));
        // Accented capitals match typed as stored, and with everything else in capitals, on every database.
        Assert.Equal([alvarez.Id()], await Found($"{tag} Álvarez"));
        Assert.Equal([alvarez.Id()], await Found($"{tag} ÁLVAREZ".ToUpperInvariant()));
        Assert.Equal([alvarez.Id()], await Found("ngel " + tag.ToUpperInvariant()));
        Assert.Equal([maria.Id()], await Found($"{tag.ToUpperInvariant()} ORTEGA"));
        Assert.Equal([sam.Id()], await Found($"  {tag} ng "));
        Assert.Equal([maria.Id()], await Found(maria.Str("npi")));
        Assert.Contains(sam.Id(), await Found(sam.Str("npi")[..4]));
        // A digit string matches the start of the NPI, not any part of it; LIKE's wildcards are plain characters.
        Assert.Empty(await Found(maria.Str("npi")[1..]));
        Assert.Empty(await Found("%"));
        Assert.Empty(await Found("_"));
        Assert.Equal(3, (await api.Get($"/api/providers?region={region}&q=")).Expect(HttpStatusCode.OK).Int("total"));
        (await api.Get($"/api/providers?q={new string('a', 201)}")).ExpectValidation("q");

        async Task<System.Text.Json.JsonElement> Enroll(string name)
        {
            var body = System.Text.Json.JsonSerializer.SerializeToNode(Api.ProviderBody(region: region))!.AsObject();
            body["name"] = name;
            return (await api.Post("/api/providers", body)).Expect(HttpStatusCode.Created);
        }
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=501", "pageSize")]
    [InlineData("page=0", "page")]
    public async Task Page_bounds_are_validated(string query, string field) =>
        (await api.Get($"/api/providers?{query}")).ExpectValidation(field);

    [Fact]
    public async Task Unknown_provider_is_404() =>
        (await api.Get("/api/providers/nope")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
}
