namespace Contingency.Infrastructure.Security;

using System.Security.Claims;
using Contingency.Infrastructure.OpenApi;

/// <summary>
/// Who may call an endpoint: the staff roles named on it (admin always among them) and, when
/// <see cref="OwnProvider"/>, a provider acting on its own records. Set with <see cref="Allow{TBuilder}"/>
/// on every /api endpoint; a test walks the endpoint list and fails on one without it.
/// </summary>
public sealed record AllowedRoles(IReadOnlyList<string> Staff, bool OwnProvider)
{
    public bool Admits(ClaimsPrincipal user) =>
        Staff.Any(user.IsInRole) || (OwnProvider && ProviderIdOf(user) is not null);

    /// <summary>The provider the caller is limited to on this endpoint; null when a staff role lets it see everything.</summary>
    public string? OwnProviderOf(ClaimsPrincipal user) => Staff.Any(user.IsInRole) ? null : ProviderIdOf(user);

    private static string? ProviderIdOf(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Provider) && user.FindFirst(ClaimNames.ProviderId)?.Value is { Length: > 0 } id ? id : null;
}

public static class AllowedRolesExtensions
{
    /// <summary>
    /// Refuses to start when an endpoint says neither who may call it (<see cref="Allow{TBuilder}"/>),
    /// nor that anyone may (<c>AllowAnonymous</c>), nor that it is a screen (signed in; its data comes
    /// from the API, which applies the roles): a route added without roles never goes live open.
    /// </summary>
    public static void RequireRolesOnEveryRoute(this IEndpointRouteBuilder app)
    {
        var open = app.DataSources.SelectMany(d => d.Endpoints)
            .Where(e => e.Metadata.GetMetadata<AllowedRoles>() is null
                        && e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null
                        && e.Metadata.GetMetadata<Contingency.Screens.ScreenEndpoint>() is null)
            .Select(e => e.DisplayName)
            .ToList();
        if (open.Count > 0)
            throw new InvalidOperationException($"These endpoints name no roles (.Allow) and are not marked AllowAnonymous: {string.Join("; ", open)}");
    }

    /// <summary>
    /// Lets the given roles (and admin) call the endpoint; <see cref="Roles.Provider"/> among them
    /// admits a provider for its own records, which the handler then limits through <see cref="Caller"/>.
    /// </summary>
    public static TBuilder Allow<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder
    {
        var allowed = new AllowedRoles(
            roles.Where(r => r != Roles.Provider).Append(Roles.Admin).Distinct().ToArray(),
            roles.Contains(Roles.Provider));
        return builder
            .WithMetadata(allowed)
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireAssertion(context => allowed.Admits(context.User)))
            .ProducesErrors(401, "unauthenticated")
            .ProducesErrors(403, "forbidden");
    }
}
