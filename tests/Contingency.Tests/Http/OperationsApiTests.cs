namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Tests.Support;

public sealed class OperationsApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Reports_health(string path)
    {
        // Readiness comes once the scheduler has started, in the background after the host.
        HttpResponseMessage? response = null;
        Assert.True(await Eventually.True(async () => (response = await api.Http.GetAsync(path)).StatusCode == HttpStatusCode.OK));
        Assert.Equal("Healthy", await response!.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Publishes_an_openapi_document_with_every_route()
    {
        var doc = (await api.Get("/openapi/v1.json")).Expect(HttpStatusCode.OK);
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] expected =
        [
            "/api/programs", "/api/programs/{id}", "/api/programs/{id}/extend", "/api/providers", "/api/providers/{id}",
            "/api/programs/{programId}/commitments", "/api/commitments/{id}", "/api/commitments/{id}/withdraw",
            "/api/providers/{id}/slots", "/api/programs/{id}/slots", "/api/appointments", "/api/appointments/{id}",
            "/api/appointments/{id}/cancel", "/api/appointments/{id}/complete", "/api/appointments/{id}/no-show",
            "/api/appointments/{id}/reschedule", "/api/programs/{id}/capacity",
        ];
        foreach (var path in expected) Assert.Contains(path, paths);
    }

    [Fact]
    public async Task Serves_a_browsable_api_page()
    {
        var response = await api.Http.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        var response = await api.Http.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
