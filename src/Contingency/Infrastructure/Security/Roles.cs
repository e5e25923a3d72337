namespace Contingency.Infrastructure.Security;

/// <summary>The roles of the contract's Security table, as they appear in a token's <c>role</c> claim.</summary>
public static class Roles
{
    public const string Enrollment = "enrollment";
    public const string Scheduling = "scheduling";
    public const string Capacity = "capacity";
    public const string Finance = "finance";
    public const string Admin = "admin";
    /// <summary>A therapist: with a <c>provider_id</c> claim, its own records only.</summary>
    public const string Provider = "provider";

    public static readonly IReadOnlyList<string> All = [Enrollment, Scheduling, Capacity, Finance, Admin, Provider];
}

/// <summary>The claims the service reads from a token.</summary>
public static class ClaimNames
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string ProviderId = "provider_id";
}
