namespace Contingency.Infrastructure.Security;

using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

/// <summary>Signs tokens with the shared key: the <c>token</c> command, and tests.</summary>
public static class Tokens
{
    public static string Create(byte[] key, string issuer, string audience, string subject, IReadOnlyList<string> roles,
        string? providerId, DateTimeOffset now, TimeSpan lifetime)
    {
        var claims = new Dictionary<string, object> { [ClaimNames.Subject] = subject, [ClaimNames.Role] = roles.ToArray() };
        if (providerId is not null) claims[ClaimNames.ProviderId] = providerId;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}

/// <summary>
/// <c>contingency token --role admin [--role scheduling] [--provider-id ID] [--expires 8h] [--subject NAME]</c>:
/// prints a token signed with the service's key (configured, or made on first start) and nothing else,
/// so <c>TOKEN=$(... token --role admin)</c> works. With an identity provider configured there is no
/// key here: tokens come from that provider.
/// </summary>
public static class TokenCommand
{
    public const string Name = "token";
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    public static int Run(string[] args, IConfiguration config, IHostEnvironment env, TimeProvider clock, TextWriter output, TextWriter error)
    {
        if (Authentication.Authority(config) is not null)
            return Fail(error, "Auth:Authority is set: tokens come from that identity provider, not from this command.");
        if (Authentication.ConfigurationProblem(config, env) is { } problem) return Fail(error, problem);
        var (request, parseError) = Parse(args);
        if (request is null) return Fail(error, parseError!);
        var token = Tokens.Create(SigningKey.Resolve(config, env), Authentication.Issuer(config), Authentication.Audience(config),
            request.Subject, request.Roles, request.ProviderId, clock.GetUtcNow(), request.Lifetime);
        output.WriteLine(token);
        return 0;
    }

    private static readonly string[] Options = ["--role", "--provider-id", "--expires", "--subject"];

    /// <summary>The arguments that are configuration (<c>--ConnectionStrings:Contingency=...</c>), not the command's own options.</summary>
    public static string[] ConfigurationArguments(string[] args) =>
        args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=') && !Options.Contains(a[..a.IndexOf('=')])).ToArray();

    private sealed record Request(IReadOnlyList<string> Roles, string? ProviderId, TimeSpan Lifetime, string Subject);

    private static (Request? Request, string? Error) Parse(string[] args)
    {
        var roles = new List<string>();
        string? providerId = null, subject = null;
        var lifetime = DefaultLifetime;
        var configuration = ConfigurationArguments(args);
        for (var i = 0; i < args.Length; i++)
        {
            if (configuration.Contains(args[i])) continue;
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--role" when value is not null:
                    roles.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    i++;
                    break;
                case "--provider-id" when value is not null:
                    providerId = value;
                    i++;
                    break;
                case "--subject" when value is not null:
                    subject = value;
                    i++;
                    break;
                case "--expires" when value is not null:
                    if (ParseLifetime(value) is not { } parsed || parsed <= TimeSpan.Zero || parsed > MaxLifetime)
                        return (null, $"--expires takes a duration such as 30m, 8h or 7d, at most {MaxLifetime.TotalDays:0}d; '{value}' is not one.");
                    lifetime = parsed;
                    i++;
                    break;
                default:
                    return (null, $"Unknown or incomplete option '{args[i]}'. Usage: token --role ROLE [--role ROLE] [--provider-id ID] [--expires 8h] [--subject NAME] [--Setting:Name=value ...]");
            }
        }
        if (roles.Count == 0) return (null, $"Name at least one --role: {string.Join(", ", Roles.All)}.");
        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
            return (null, $"'{unknown}' is not a role; the roles are {string.Join(", ", Roles.All)}.");
        if (subject is not null && !Authentication.IsUsableSubject(subject))
            return (null, $"--subject must be 1 to 200 characters and not '{Caller.System}', which names the service itself in the audit trail.");
        if (roles.Contains(Roles.Provider) && string.IsNullOrEmpty(providerId))
            return (null, "The provider role needs --provider-id: the provider whose records the token may see.");
        return (new Request(roles.Distinct().ToList(), providerId, lifetime, subject ?? $"local:{Environment.UserName}"), null);
    }

    private static TimeSpan? ParseLifetime(string value)
    {
        if (value.Length < 2 || !int.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        return value[^1] switch
        {
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"contingency token: {message}");
        return 2;
    }
}
