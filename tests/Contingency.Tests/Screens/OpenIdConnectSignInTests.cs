namespace Contingency.Tests.Screens;

using System.Net;
using Contingency.Screens;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

/// <summary>
/// With an identity provider configured, a person reaching a screen is sent to it: the code flow with PKCE,
/// as the configured client, back to this service's callback. The provider's discovery document is given
/// here rather than fetched (no provider runs in the tests).
/// </summary>
public sealed class OpenIdConnectSignInTests
{
    [Fact]
    public async Task A_stranger_is_sent_to_the_identity_provider_with_the_code_flow_and_pkce()
    {
        await using var app = new ContingencyApp();
        app.Settings["Auth:SigningKey"] = "";
        app.Settings["Auth:Authority"] = "https://login.example.org/tenant";
        app.Settings["Auth:Oidc:ClientId"] = "contingency-screens";
        app.Settings["Auth:Oidc:Scopes"] = "api://contingency/roles";
        app.ConfigureServices = services => services.Configure<OpenIdConnectOptions>(ScreenAuthentication.OidcScheme, o =>
            o.Configuration = new OpenIdConnectConfiguration
            {
                Issuer = "https://login.example.org/tenant",
                AuthorizationEndpoint = "https://login.example.org/tenant/authorize",
                TokenEndpoint = "https://login.example.org/tenant/token",
                EndSessionEndpoint = "https://login.example.org/tenant/logout",
            });
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        browser.DefaultRequestHeaders.Authorization = null;

        var answer = await browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!;
        Assert.Equal("https://login.example.org/tenant/authorize", location.GetLeftPart(UriPartial.Path));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("contingency-screens", query["client_id"].ToString());
        Assert.Equal("code", query["response_type"].ToString());
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.Contains("api://contingency/roles", query["scope"].ToString());
        Assert.EndsWith("/signin-oidc", query["redirect_uri"].ToString());
        // The sign-in page does not offer a token field when an identity provider signs people in.
        Assert.DoesNotContain("Token", await (await browser.GetAsync("/sign-in")).Content.ReadAsStringAsync());
    }
}
