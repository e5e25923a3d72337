namespace Contingency.Screens;

using System.Security.Claims;
using Contingency.Infrastructure.Security;

/// <summary>What a screen shows a person: the parts their roles (or admin) reach. The API decides regardless.</summary>
public static class ScreenRoles
{
    public static bool Sees(ClaimsPrincipal user, params string[] roles) => user.IsInRole(Roles.Admin) || roles.Any(user.IsInRole);

    /// <summary>The first screen of the header's order that the person's roles reach; null when none does.</summary>
    public static string? FirstScreen(ClaimsPrincipal user) =>
        Sees(user, Roles.Capacity) ? "/"
        : Sees(user, Roles.Enrollment) ? "/providers"
        : Sees(user, Roles.Scheduling) ? "/scheduling"
        : Sees(user, Roles.Finance) ? "/payments"
        : null;
}
