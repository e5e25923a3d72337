namespace Contingency.Tests.Screens;

using System.Net;
using System.Text.RegularExpressions;
using Contingency.Infrastructure.Security;
using Contingency.Screens;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

/// <summary>Signing in to the screens without an identity provider: the token in an HttpOnly, SameSite=Strict cookie, checked like a bearer token.</summary>
public sealed partial class SignInFlowTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    private static string PathOf(HttpResponseMessage redirect) => redirect.Headers.Location!.IsAbsoluteUri
        ? redirect.Headers.Location.PathAndQuery
        : redirect.Headers.Location.OriginalString;

    /// <summary>A browser: cookies kept, redirects not followed, and (unlike the API client) no bearer header.</summary>
    private HttpClient Browser() => WithoutBearer(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    private static HttpClient WithoutBearer(HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    private static async Task<HttpResponseMessage> SignIn(HttpClient browser, string token, string returnUrl = "/")
    {
        var form = await browser.GetStringAsync($"/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        return await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in",
            ["__RequestVerificationToken"] = Antiforgery().Match(form).Groups[1].Value,
            ["Form.Token"] = token,
            ["Form.ReturnUrl"] = returnUrl,
        }));
    }

    [Fact]
    public async Task A_screen_sends_a_stranger_to_the_sign_in_page_and_back_after()
    {
        using var browser = Browser();
        var first = await browser.GetAsync("/programs/p-1?week=2");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2Fprograms%2Fp-1%3Fweek%3D2", PathOf(first));

        var signedIn = await SignIn(browser, app.Token("ana", [Roles.Enrollment]), "/programs/p-1?week=2");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/programs/p-1?week=2", PathOf(signedIn));
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ScreenAuthentication.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Behind_a_proxy_that_ends_tls_the_session_cookie_is_secure_only_when_its_headers_are_trusted(bool trusted)
    {
        await using var proxied = new ContingencyApp();
        if (trusted) proxied.Settings["Proxy:ForwardedHeaders"] = "true";
        using var browser = WithoutBearer(proxied.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));
        var form = await browser.GetStringAsync("/sign-in?returnUrl=%2F");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "sign-in",
                ["__RequestVerificationToken"] = Antiforgery().Match(form).Groups[1].Value,
                ["Form.Token"] = proxied.Token("ana", [Roles.Admin]),
                ["Form.ReturnUrl"] = "/",
            }),
        };
        post.Headers.Add("X-Forwarded-Proto", "https");
        var signedIn = await browser.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ScreenAuthentication.CookieName + "=", StringComparison.Ordinal));
        Assert.Equal(trusted, cookie.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("expired")]
    [InlineData("another key")]
    public async Task A_token_the_api_would_refuse_is_refused_at_the_door(string kind)
    {
        var token = kind switch
        {
            "expired" => app.Token("ana", [Roles.Admin], lifetime: TimeSpan.FromHours(1), issuedAt: app.Now.AddHours(-2)),
            "another key" => app.Token("ana", [Roles.Admin], key: "a-different-signing-key-0123456789abcdef"),
            _ => kind,
        };
        using var browser = Browser();
        var answer = await SignIn(browser, token);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("That token is not accepted", await answer.Content.ReadAsStringAsync());
        Assert.False(answer.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(ScreenAuthentication.CookieName + "=", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Only_a_path_of_this_site_is_a_way_back()
    {
        using var browser = Browser();
        var answer = await SignIn(browser, app.Token("ana", [Roles.Admin]), "https://elsewhere.example/steal");
        Assert.Equal(("localhost", "/"), (answer.Headers.Location!.Host, PathOf(answer)));
        answer = await SignIn(Browser(), app.Token("ana", [Roles.Admin]), "//elsewhere.example/steal");
        Assert.Equal(("localhost", "/"), (answer.Headers.Location!.Host, PathOf(answer)));
        // A tab or a backslash that a browser would drop or turn around, making //elsewhere of it.
        foreach (var sneaky in new[] { "/\t/elsewhere.example", "/\\elsewhere.example", "/ /elsewhere.example" })
        {
            answer = await SignIn(Browser(), app.Token("ana", [Roles.Admin]), sneaky);
            Assert.Equal(("localhost", "/"), (answer.Headers.Location!.Host, PathOf(answer)));
        }
    }

    [Fact]
    public async Task Signing_out_needs_the_form_s_antiforgery_token_and_forgets_the_session()
    {
        using var browser = Browser();
        await SignIn(browser, app.Token("ana", [Roles.Admin]));
        var page = await browser.GetStringAsync("/sign-out");

        // Without the token (another site's form, say): refused, still signed in.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/sign-out",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "sign-out" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        var signedOut = await browser.PostAsync("/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-out",
            ["__RequestVerificationToken"] = Antiforgery().Match(page).Groups[1].Value,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(ScreenAuthentication.SignInPath + "?signedOut=true", PathOf(signedOut));
        Assert.Contains(signedOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ScreenAuthentication.CookieName + "=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_download_passes_the_api_s_file_on_and_only_api_csv_files()
    {
        using var browser = Browser();
        await SignIn(browser, app.Token("ana", [Roles.Capacity]));
        var (programId, _, _) = await app.Api().Scenario();
        var file = await browser.GetAsync($"/download/api/programs/{programId}/capacity.csv?by=week");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("text/csv", file.Content.Headers.ContentType!.MediaType);
        var api = await app.Api().Http.GetByteArrayAsync($"/api/programs/{programId}/capacity.csv?by=week");
        Assert.Equal(api, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/download/api/programs/{programId}")).StatusCode);
        // Only the exports and remittance files: not another route dressed as a file, however encoded.
        foreach (var other in new[] { "api/audit.csv", "api/audit%3Fx=.csv", $"api/programs/{programId}/compliance%23.csv", $"api/programs/{programId}%2Fcapacity.csv" })
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/download/" + other)).StatusCode);
        // The API's refusal is passed on: the capacity role does not reach a batch's remittance.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/download/api/payment-batches/nope/remittance.csv")).StatusCode);
    }
}
