namespace Contingency.Screens;

using System.Security.Claims;
using Contingency.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

/// <summary>
/// How a person signs in to the screens. With an identity provider (<c>Auth:Authority</c> and
/// <c>Auth:Oidc:ClientId</c>), OpenID Connect's code flow with PKCE and a cookie; the access token
/// it brings is what the screens send to the API. Without one, the sign-in page takes a token from
/// the <c>token</c> command and keeps it in an HttpOnly, SameSite=Strict cookie, checked on every
/// request exactly as the API checks a bearer token. Either way the token travels with the
/// person's claims as <see cref="TokenClaim"/>, for <see cref="ScreenApi"/>.
/// </summary>
public static class ScreenAuthentication
{
    public const string Scheme = "screens";
    public const string OidcScheme = "screens-oidc";
    public const string CookieName = "contingency.session";
    public const string TokenClaim = "contingency.api_token";
    public const string SignInPath = "/sign-in";

    public static bool UsesOpenIdConnect(IConfiguration config) =>
        Authentication.Authority(config) is not null && config["Auth:Oidc:ClientId"] is { Length: > 0 };

    public static void AddScreenAuthentication(this IServiceCollection services, IConfiguration config)
    {
        var authentication = services.AddAuthentication();
        if (UsesOpenIdConnect(config))
        {
            authentication.AddCookie(Scheme, options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                // Lax, not Strict: the identity provider sends the browser back here across sites.
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ForwardChallenge = OidcScheme;
                options.Events.OnValidatePrincipal = async context =>
                {
                    // The session lasts as long as the access token it carries: once that has expired the person
                    // signs in again (the identity provider may well do it without asking).
                    var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                    if (DateTimeOffset.TryParse(context.Properties.GetTokenValue("expires_at"), System.Globalization.CultureInfo.InvariantCulture,
                            System.Globalization.DateTimeStyles.None, out var expires) && expires <= clock.GetUtcNow())
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(Scheme);
                        return;
                    }
                    // The access token is kept in the cookie's properties; the screens read it as a claim.
                    if (context.Properties.GetTokenValue("access_token") is { } token && context.Principal?.Identity is ClaimsIdentity identity
                        && !identity.HasClaim(c => c.Type == TokenClaim))
                        identity.AddClaim(new Claim(TokenClaim, token));
                };
            });
            authentication.AddOpenIdConnect(OidcScheme, options =>
            {
                options.Authority = Authentication.Authority(config);
                options.ClientId = config["Auth:Oidc:ClientId"];
                options.ClientSecret = config["Auth:Oidc:ClientSecret"];
                options.ResponseType = "code";
                options.UsePkce = true;
                options.SaveTokens = true;
                options.SignInScheme = Scheme;
                options.MapInboundClaims = false;
                options.RequireHttpsMetadata = !string.Equals(config["Auth:RequireHttpsMetadata"], "false", StringComparison.OrdinalIgnoreCase);
                options.TokenValidationParameters.NameClaimType = ClaimNames.Subject;
                options.TokenValidationParameters.RoleClaimType = config["Auth:RoleClaim"] is { Length: > 0 } role ? role : ClaimNames.Role;
                foreach (var scope in (config["Auth:Oidc:Scopes"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    options.Scope.Add(scope);
            });
            return;
        }

        // The same bearer checks as the API's (key, issuer, audience, lifetime on the service's clock,
        // a usable subject), the token read from the cookie instead of a header.
        authentication.AddJwtBearer(Scheme);
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<IConfiguration, IHostEnvironment, TimeProvider>((options, configuration, env, clock) =>
        {
            Authentication.Configure(options, configuration, env, clock);
            var api = options.Events;
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    // The cookie only: without it the person is not signed in, whatever header came along.
                    if (context.Request.Cookies[CookieName] is { Length: > 0 } token) context.Token = token;
                    else context.NoResult();
                    return Task.CompletedTask;
                },
                OnTokenValidated = async context =>
                {
                    await api.TokenValidated(context);
                    if (context.Result?.Failure is null && context.Principal?.Identity is ClaimsIdentity identity
                        && context.SecurityToken is JsonWebToken token)
                        identity.AddClaim(new Claim(TokenClaim, token.EncodedToken));
                },
                OnChallenge = context =>
                {
                    // A person, not an API client: to the sign-in page, and back here afterwards.
                    context.HandleResponse();
                    var back = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
                    context.Response.Redirect($"{context.Request.PathBase}{SignInPath}?returnUrl={Uri.EscapeDataString(back)}");
                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>The token from the sign-in page, checked as the API will check it: the person's claims, or why not.</summary>
    public static async Task<(ClaimsPrincipal? User, DateTimeOffset? Expires)> CheckAsync(IServiceProvider services, string token)
    {
        var api = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = api.TokenValidationParameters;
        if (api.ConfigurationManager is { } authority)
        {
            // Trusting an authority (without a client for the screens): its keys and issuer, as the bearer handler takes them.
            var discovered = await authority.GetConfigurationAsync(CancellationToken.None);
            parameters = parameters.Clone();
            parameters.IssuerSigningKeys = discovered.SigningKeys;
            parameters.ValidIssuer ??= discovered.Issuer;
        }
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token.Trim(), parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt) return (null, null);
        var user = new ClaimsPrincipal(result.ClaimsIdentity);
        if (!Authentication.IsUsableSubject(user.FindFirst(ClaimNames.Subject)?.Value)) return (null, null);
        return (user, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
    }

    /// <summary>Keeps the token in the session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS, until the token expires.</summary>
    public static void KeepToken(HttpContext http, string token, DateTimeOffset expires) =>
        http.Response.Cookies.Append(CookieName, token.Trim(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            Expires = expires,
            IsEssential = true,
        });

    public static void Forget(HttpContext http) => http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
}
