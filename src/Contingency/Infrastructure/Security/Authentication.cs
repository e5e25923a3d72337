namespace Contingency.Infrastructure.Security;

using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

/// <summary>
/// JWT bearer authentication with ASP.NET Core's own handler. Tokens are trusted by a shared
/// HS256 key (<c>Auth:SigningKey</c>, or the generated one: see <see cref="SigningKey"/>) or by an
/// OpenID Connect authority (<c>Auth:Authority</c>). <c>Auth:Issuer</c> and <c>Auth:Audience</c>
/// default to <c>contingency</c>; with an authority the issuer defaults to the authority's own.
/// Roles come from the <c>role</c> claim (<c>Auth:RoleClaim</c> names another, e.g. <c>roles</c>).
/// </summary>
public static class Authentication
{
    public const string DefaultIssuer = "contingency";
    public const string DefaultAudience = "contingency";
    private const int MaxSubjectLength = 200;

    /// <summary>A subject names someone: not empty, not absurdly long, and not the service's own name in the audit trail.</summary>
    public static bool IsUsableSubject(string? subject) =>
        subject is { Length: > 0 and <= MaxSubjectLength } && !string.Equals(subject, Caller.System, StringComparison.OrdinalIgnoreCase);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static string Issuer(IConfiguration config) => config["Auth:Issuer"] is { Length: > 0 } i ? i : DefaultIssuer;
    public static string Audience(IConfiguration config) => config["Auth:Audience"] is { Length: > 0 } a ? a : DefaultAudience;
    public static string? Authority(IConfiguration config) => config["Auth:Authority"] is { Length: > 0 } a ? a : null;

    /// <summary>Why the service cannot authenticate with this configuration, in one line; null when it can.</summary>
    public static string? ConfigurationProblem(IConfiguration config, IHostEnvironment env)
    {
        var configuredKey = config["Auth:SigningKey"];
        if (Authority(config) is not null)
            return string.IsNullOrEmpty(configuredKey) ? null
                : "Auth:SigningKey and Auth:Authority are both set; trust one of them.";
        if (!string.IsNullOrEmpty(configuredKey))
            return Encoding.UTF8.GetByteCount(configuredKey) < SigningKey.MinimumBytes
                ? $"Auth:SigningKey must be at least {SigningKey.MinimumBytes} bytes (it has {Encoding.UTF8.GetByteCount(configuredKey)})."
                : null;
        if (SigningKey.Resolve(config, env).Length < SigningKey.MinimumBytes)
            return $"The signing key in {SigningKey.PathOf(config, env)} is shorter than {SigningKey.MinimumBytes} bytes; delete it to make a new one.";
        return SigningKey.OpenToOthers(SigningKey.PathOf(config, env))
            ? $"The signing key in {SigningKey.PathOf(config, env)} may be read by others; make it readable by its owner only (chmod 600)."
            : null;
    }

    public static IServiceCollection AddContingencyAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IConfiguration, IHostEnvironment, TimeProvider>(Configure);
        services.AddAuthorization();
        services.AddScoped<Caller>();
        return services;
    }

    /// <summary>The bearer checks, for the API's scheme and the screens' cookie alike.</summary>
    public static void Configure(JwtBearerOptions options, IConfiguration config, IHostEnvironment env, TimeProvider clock)
    {
        // Claims keep the names they have in the token: sub, role, provider_id.
        options.MapInboundClaims = false;
        // A refused token is told so (WWW-Authenticate: Bearer error="invalid_token"), not why:
        // the reasons name key ids and lifetimes that help nobody but someone probing.
        options.IncludeErrorDetails = false;
        var parameters = options.TokenValidationParameters;
        parameters.ValidAudience = Audience(config);
        parameters.NameClaimType = ClaimNames.Subject;
        parameters.RoleClaimType = config["Auth:RoleClaim"] is { Length: > 0 } roleClaim ? roleClaim : ClaimNames.Role;
        // Token lifetimes are judged on the service's clock, like everything else it does.
        parameters.LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return expires is { } end && now < end + ClockSkew && (notBefore is not { } start || now >= start - ClockSkew);
        };
        if (Authority(config) is { } authority)
        {
            options.Authority = authority;
            options.RequireHttpsMetadata = !string.Equals(config["Auth:RequireHttpsMetadata"], "false", StringComparison.OrdinalIgnoreCase);
            if (config["Auth:Issuer"] is { Length: > 0 } issuer) parameters.ValidIssuer = issuer;
        }
        else
        {
            parameters.ValidIssuer = Issuer(config);
            parameters.IssuerSigningKey = new SymmetricSecurityKey(SigningKey.Resolve(config, env));
            parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        options.Events = new JwtBearerEvents
        {
            // Every action is someone's: a token without a subject, an absurd one, or one posing as the
            // service itself ("system", the scheduler's name in the audit trail) is not accepted.
            OnTokenValidated = context =>
            {
                if (!IsUsableSubject(context.Principal?.FindFirst(ClaimNames.Subject)?.Value))
                    context.Fail("The token has no usable subject.");
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>Builds the bearer options once at start, so a fresh install makes its key then, not at the first request.</summary>
    public static void PrepareSigningKey(IServiceProvider services) =>
        services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
}
