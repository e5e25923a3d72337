namespace Contingency.Screens;

using Contingency.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.FluentUI.AspNetCore.Components;

/// <summary>Marks the screens' endpoints: signed in through <see cref="ScreenAuthentication.Scheme"/>; their data comes from the API, which applies the roles.</summary>
public sealed class ScreenEndpoint;

/// <summary>
/// Where this process's API answers, for <see cref="ScreenApi"/>: <c>Screens:ApiBaseAddress</c> when set
/// (a proxy in between, say), else the first address the server listens on, a wildcard host read as
/// the loopback address.
/// </summary>
public sealed class SelfAddress(IServer server, IConfiguration config)
{
    public Uri BaseAddress
    {
        get
        {
            if (config["Screens:ApiBaseAddress"] is { Length: > 0 } configured) return new Uri(configured.TrimEnd('/') + "/");
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
            if (address is null) return new Uri("http://localhost/");
            var uri = new UriBuilder(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1"));
            if (uri.Host is "0.0.0.0" or "[::]" or "::") uri.Host = "127.0.0.1";
            uri.Path = "/";
            return uri.Uri;
        }
    }
}

public static partial class ScreensSetup
{
    /// <summary>
    /// The only files the download route passes on: the exports and a batch's remittance, by id (no
    /// separator, no encoded '?' or '#' smuggling another route in).
    /// </summary>
    private static readonly System.Text.RegularExpressions.Regex Downloads = DownloadPaths();

    [System.Text.RegularExpressions.GeneratedRegex(@"^api/(programs/[A-Za-z0-9-]{1,64}/(capacity|payments)|payment-batches/[A-Za-z0-9-]{1,64}/remittance)\.csv$")]
    private static partial System.Text.RegularExpressions.Regex DownloadPaths();

    public static IServiceCollection AddContingencyScreens(this IServiceCollection services, IConfiguration config)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddFluentUIComponents();
        services.AddCascadingAuthenticationState();
        services.AddScreenAuthentication(config);
        // The keys behind antiforgery tokens and identity-provider cookies: one application name, and on a
        // cluster one key ring (a directory every node shares), so a form made on one node posts to another.
        var protection = services.AddDataProtection().SetApplicationName("contingency");
        if (config["DataProtection:KeyDirectory"] is { Length: > 0 } keys) protection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddSingleton<SelfAddress>();
        services.AddScoped<ScreenApi>();
        services.AddHttpClient(ScreenApi.ClientName, (sp, client) =>
        {
            client.BaseAddress = sp.GetRequiredService<SelfAddress>().BaseAddress;
            client.Timeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }

    public static void MapContingencyScreens(this WebApplication app)
    {
        var signedIn = new AuthorizeAttribute { AuthenticationSchemes = ScreenAuthentication.Scheme };
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(signedIn)
            .WithMetadata(new ScreenEndpoint());

        // The exports and remittance files, fetched from the API as the signed-in person and passed on:
        // a link on a screen cannot carry a bearer token, the session cookie can.
        app.MapGet("/download/{**path}", async (string path, HttpContext http, ScreenApi api, CancellationToken ct) =>
            {
                if (!Downloads.IsMatch(path)) return Results.NotFound();
                var (file, problem) = await api.GetFile(path + http.Request.QueryString, http.User, ct);
                if (file is null) return Results.Problem(statusCode: problem!.Status, title: problem.Title, detail: problem.Detail);
                http.Response.RegisterForDispose(file);
                var name = file.Content.Headers.ContentDisposition?.FileNameStar ?? file.Content.Headers.ContentDisposition?.FileName?.Trim('"')
                    ?? Path.GetFileName(path);
                return Results.Stream(await file.Content.ReadAsStreamAsync(ct), file.Content.Headers.ContentType?.ToString() ?? "text/csv", name);
            })
            .RequireAuthorization(signedIn)
            .WithMetadata(new ScreenEndpoint())
            .ExcludeFromDescription();
    }
}
