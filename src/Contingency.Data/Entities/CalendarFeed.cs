namespace Contingency.Data.Entities;

using System.Security.Cryptography;
using System.Text;

/// <summary>
/// A provider's calendar subscription: the hash of the secret in its feed URL. The secret itself is
/// shown once, when issued; a calendar app that has the URL reads the feed without a token, so the
/// database keeps only what recognises the secret, never what would rebuild it. Issuing again
/// replaces the hash: the old URL then finds nothing.
/// </summary>
public sealed class CalendarFeed
{
    /// <summary>32 random bytes: guessing one is out of reach, so a fast hash is enough to store it.</summary>
    private const int SecretBytes = 32;

    private CalendarFeed() { }

    public CalendarFeed(string providerId, DateTimeOffset now)
    {
        ProviderId = providerId;
        IssuedAt = now;
    }

    public string ProviderId { get; private set; } = "";
    [SecretData] public string SecretHash { get; private set; } = "";
    public DateTimeOffset IssuedAt { get; private set; }

    /// <summary>A new secret for the feed, replacing the one before; the caller shows it once and forgets it.</summary>
    public string Issue(DateTimeOffset now)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        SecretHash = HashOf(secret);
        IssuedAt = now;
        return secret;
    }

    /// <summary>What the table keeps of a secret, and how a feed request is looked up.</summary>
    public static string HashOf(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A URL-safe base64 secret of the issued length; anything else is refused before a lookup.</summary>
    public static bool LooksLikeSecret(string? value) =>
        value is { Length: 43 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
