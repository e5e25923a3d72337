namespace Contingency.Tests.Screens;

using System.Security.Claims;
using Bunit;
using Contingency.Infrastructure.Security;
using Contingency.Screens;
using Contingency.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

/// <summary>
/// A bUnit context for one screen component, signed in with the given roles, whose <see cref="ScreenApi"/>
/// calls go to a real service (<see cref="ContingencyApp"/>, in memory) with that person's token: the
/// component sees what the API answers that person, refusals included. JavaScript calls are let through
/// (FluentUI's and Plotly's modules have nothing to run here).
/// </summary>
public sealed class ScreenContext : BunitContext
{
    public ScreenContext(ContingencyApp app, params string[] roles) : this(app, null, roles) { }

    /// <summary>
    /// The screens reach the service over HTTP, as in production: on a machine busy with the rest of the
    /// suite a first answer can take longer than bUnit's one-second default wait, which then fails a
    /// screen that is merely slow. A screen that never shows what it should still fails.
    /// </summary>
    static ScreenContext() => DefaultWaitTimeout = TimeSpan.FromSeconds(15);

    /// <summary>A therapist signed in: the provider role, limited to this provider.</summary>
    public static ScreenContext AsProvider(ContingencyApp app, string providerId) => new(app, providerId, [Roles.Provider]);

    private ScreenContext(ContingencyApp app, string? providerId, string[] roles)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddFluentUIComponents();
        var subject = "screen-" + string.Join('-', roles);
        var authorization = AddAuthorization();
        authorization.SetAuthorized(subject);
        authorization.SetRoles(roles);
        var claims = new List<Claim> { new(ScreenAuthentication.TokenClaim, app.Token(subject, roles, providerId)) };
        if (providerId is not null) claims.Add(new Claim(ClaimNames.ProviderId, providerId));
        authorization.SetClaims([.. claims]);
        Services.AddSingleton<IHttpClientFactory>(new ServiceClients(app, this));
        Services.AddScoped<ScreenApi>();
        Services.AddSingleton<TimeProvider>(app.Clock);
    }

    /// <summary>What the API answered the screen, in order: method, path and query, status.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path, int Status)> Answers { get; } = new();

    /// <summary>Run before each request leaves for the API: a test may hold one back to order a race.</summary>
    public Func<HttpRequestMessage, Task>? BeforeSend { get; set; }

    /// <summary>Every named client talks to the in-memory service, with no header of its own, and notes each answer.</summary>
    private sealed class ServiceClients(ContingencyApp app, ScreenContext context) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) =>
            new(new Noting(context) { InnerHandler = app.Server.CreateHandler() }) { BaseAddress = app.Server.BaseAddress };
    }

    private sealed class Noting(ScreenContext context) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (context.BeforeSend is { } before) await before(request);
            var response = await base.SendAsync(request, ct);
            context.Answers.Enqueue((request.Method.Method, request.RequestUri!.PathAndQuery, (int)response.StatusCode));
            return response;
        }
    }
}
