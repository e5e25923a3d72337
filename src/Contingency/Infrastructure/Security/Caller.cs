namespace Contingency.Infrastructure.Security;

using Contingency.Data;

/// <summary>
/// Who sent the current request, for the handlers: the token's subject (the actor of the audit
/// trail and the scope of idempotency keys) and, for a provider, the one provider whose records
/// it may see. Outside a request (the scheduler's jobs) the actor is <see cref="System"/>.
/// </summary>
public sealed class Caller
{
    public const string System = "system";

    public string Subject { get; private set; } = System;

    /// <summary>Set when the caller reached this endpoint as a provider: it sees this provider's records only.</summary>
    public string? OwnProviderId { get; private set; }

    public void Set(string subject, string? ownProviderId)
    {
        Subject = subject;
        OwnProviderId = ownProviderId;
    }

    public bool Sees(string providerId) => OwnProviderId is null || OwnProviderId == providerId;

    /// <summary>Another provider's record answers exactly as a missing one does: no hint that it exists.</summary>
    public void RequireVisible(string what, string id, string ownerProviderId)
    {
        if (!Sees(ownerProviderId)) throw new NotFoundException(what, id);
    }
}

public static class CallerMiddleware
{
    /// <summary>Fills the request's <see cref="Caller"/> from the authenticated user and the endpoint's roles.</summary>
    public static IApplicationBuilder UseCallers(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirst(ClaimNames.Subject)?.Value is { } subject)
        {
            var allowed = context.GetEndpoint()?.Metadata.GetMetadata<AllowedRoles>();
            context.RequestServices.GetRequiredService<Caller>().Set(subject, allowed?.OwnProviderOf(context.User));
        }
        await next(context);
    });
}
