namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Time.Testing;

/// <summary>The way in for a fresh install (the generated key and the token command), and a key too short to trust.</summary>
public sealed class AuthSetupTests
{
    private static (IConfiguration Config, IHostEnvironment Env, string DatabasePath) FreshInstall(params (string Key, string Value)[] settings)
    {
        var dir = Path.Combine(Path.GetTempPath(), "contingency-tests", "install-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var database = Path.Combine(dir, "contingency.db");
        var config = new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["ConnectionStrings:Contingency"] = $"Data Source={database}" }
                .Concat(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))).Build();
        return (config, new HostingEnvironment { ContentRootPath = dir, EnvironmentName = "Production" }, database);
    }

    private static (int Exit, string Out, string Error) Token(IConfiguration config, IHostEnvironment env, TimeProvider clock, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = TokenCommand.Run(args, config, env, clock, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_fresh_install_makes_a_private_key_beside_its_data_and_the_token_command_signs_with_it()
    {
        var (config, env, database) = FreshInstall();
        var clock = new FakeTimeProvider(ContingencyApp.DefaultNow);
        var (exit, output, error) = Token(config, env, clock, "--role", "admin", "--subject", "first-admin");
        Assert.Equal(0, exit);
        Assert.Equal("", error);

        var keyFile = Path.Combine(Path.GetDirectoryName(database)!, SigningKey.FileName);
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        var key = File.ReadAllText(keyFile);
        Assert.True(key.Length >= SigningKey.MinimumBytes);

        // The service over that data trusts the token; the key it made is the one it uses, and it never logs it.
        await using var service = ContingencyApp.Over(database, clock);
        service.Settings["Auth:SigningKey"] = "";
        var token = output.Trim();
        Assert.Equal(HttpStatusCode.OK, (await service.ClientWith(token).GetAsync("/api/programs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.ClientWith(service.Token("x", [Roles.Admin])).GetAsync("/api/programs")).StatusCode);
        Assert.Equal(key, File.ReadAllText(keyFile));
        Assert.DoesNotContain(service.Logs.Lines, line => line.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain(service.Logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public void The_token_command_carries_roles_provider_and_lifetime_and_refuses_what_it_cannot_sign()
    {
        var (config, env, _) = FreshInstall();
        var clock = new FakeTimeProvider(ContingencyApp.DefaultNow);
        var (exit, output, _) = Token(config, env, clock, "--role", "scheduling,provider", "--provider-id", "p1", "--expires", "30m");
        Assert.Equal(0, exit);
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(output.Trim());
        Assert.Equal(["scheduling", "provider"], jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal("p1", jwt.GetClaim("provider_id").Value);
        Assert.Equal(ContingencyApp.DefaultNow.AddMinutes(30).UtcDateTime, jwt.ValidTo);
        Assert.Equal("contingency", jwt.Issuer);

        Assert.Equal(2, Token(config, env, clock, "--role", "provider").Exit);               // whose records?
        Assert.Equal(2, Token(config, env, clock, "--role", "root").Exit);                   // no such role
        Assert.Equal(2, Token(config, env, clock).Exit);                                     // no role at all
        Assert.Equal(2, Token(config, env, clock, "--role", "admin", "--expires", "forever").Exit);
        Assert.Equal(2, Token(config, env, clock, "--role", "admin", "--subject", "system").Exit); // the service's own name
        // Configuration given as arguments is the service's, not the command's.
        Assert.Equal(0, Token(config, env, clock, "--role", "admin", "--Auth:Issuer=contingency").Exit);
        Assert.Equal(["--Auth:KeyFile=/x", "--ConnectionStrings:Contingency=Data Source=/y.db"],
            TokenCommand.ConfigurationArguments(["--role", "admin", "--Auth:KeyFile=/x", "--subject", "me", "--ConnectionStrings:Contingency=Data Source=/y.db"]));
        var (withAuthority, env2, _) = FreshInstall(("Auth:Authority", "https://login.example.org/tenant"));
        var refused = Token(withAuthority, env2, clock, "--role", "admin");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("identity provider", refused.Error);
    }

    [Fact]
    public void A_short_configured_key_is_named_without_being_shown()
    {
        var (config, env, _) = FreshInstall(("Auth:SigningKey", "too-short-secret"));
        var problem = Authentication.ConfigurationProblem(config, env);
        Assert.Equal("Auth:SigningKey must be at least 32 bytes (it has 16).", problem);
        Assert.Null(Authentication.ConfigurationProblem(FreshInstall(("Auth:SigningKey", new string('k', 32))).Config, env));
    }

    [Fact]
    public void With_an_authority_the_bearer_handler_trusts_it_and_its_role_claim_and_no_shared_key()
    {
        var (config, env, _) = FreshInstall(("Auth:Authority", "https://login.example.org/tenant/v2.0"),
            ("Auth:Audience", "api://contingency"), ("Auth:RoleClaim", "roles"));
        var services = new ServiceCollection();
        services.AddSingleton(config).AddSingleton(env).AddSingleton(TimeProvider.System).AddLogging();
        services.AddContingencyAuthentication();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

        Assert.Equal("https://login.example.org/tenant/v2.0", options.Authority);
        Assert.True(options.RequireHttpsMetadata);
        Assert.Equal("api://contingency", options.TokenValidationParameters.ValidAudience);
        Assert.Equal("roles", options.TokenValidationParameters.RoleClaimType);
        Assert.Null(options.TokenValidationParameters.ValidIssuer);        // the authority's own, from discovery
        Assert.Null(options.TokenValidationParameters.IssuerSigningKey);   // its keys, from discovery
        Assert.Null(Authentication.ConfigurationProblem(config, env));
        Assert.False(File.Exists(SigningKey.PathOf(config, env)), "no key is made when an authority is trusted");
        Assert.Equal("Auth:SigningKey and Auth:Authority are both set; trust one of them.",
            Authentication.ConfigurationProblem(FreshInstall(("Auth:Authority", "https://x"), ("Auth:SigningKey", new string('k', 40))).Config, env));
    }

    [Fact]
    public void A_key_file_others_may_read_is_refused()
    {
        if (OperatingSystem.IsWindows()) return;
        var (config, env, database) = FreshInstall();
        Assert.Null(Authentication.ConfigurationProblem(config, env)); // makes the key, mode 600
        var keyFile = Path.Combine(Path.GetDirectoryName(database)!, SigningKey.FileName);
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.Equal($"The signing key in {keyFile} may be read by others; make it readable by its owner only (chmod 600).",
            Authentication.ConfigurationProblem(config, env));
    }

    [Fact]
    public async Task The_service_refuses_to_start_on_a_short_key_with_one_line()
    {
        var (_, _, database) = FreshInstall();
        var (exit, stdout, stderr) = await ServiceProcess.RunAsync(Path.GetDirectoryName(database)!, new Dictionary<string, string>
        {
            ["ConnectionStrings__Contingency"] = $"Data Source={database}",
            ["Auth__SigningKey"] = "too-short-secret",
        });

        Assert.Equal(2, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["contingency: Auth:SigningKey must be at least 32 bytes (it has 16)."], lines);
        Assert.DoesNotContain("too-short-secret", stdout + stderr);
        Assert.False(File.Exists(database), "nothing is written before the configuration is known to be good");
    }
}
