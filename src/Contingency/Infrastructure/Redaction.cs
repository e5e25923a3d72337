namespace Contingency.Infrastructure;

using System.Data.Common;
using Contingency.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Compliance.Redaction;

/// <summary>
/// What a log line may carry: ids, counts, dates and codes, never the data that
/// <see cref="DataClasses"/> classifies (member references, emails, licence numbers), and never a
/// token, a signing key or a connection string. Every log call is a [LoggerMessage] method; a
/// parameter that carries classified data says so with its attribute and the platform's redaction
/// replaces its value. Lines that the framework writes with the request target (the query string
/// is where the contract puts member references) are not written at all.
/// </summary>
public static class Redaction
{
    /// <summary>What a redacted value reads as in a log line.</summary>
    public const string Mark = "[redacted]";

    /// <summary>
    /// Categories whose lines quote the request target with its query string: the host's
    /// "Request starting/finished" lines, and Kestrel's refusals of a malformed request line.
    /// </summary>
    private static readonly IReadOnlyList<string> RequestLineCategories =
        ["Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Server.Kestrel.BadRequests"];

    public static IHostApplicationBuilder AddContingencyRedaction(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRedaction(redaction => redaction
            .SetRedactor<MarkingRedactor>(DataClasses.Member, DataClasses.Contact, DataClasses.Licence, DataClasses.FreeText, DataClasses.Secret)
            // A classification added later without a redactor of its own is still redacted.
            .SetFallbackRedactor<MarkingRedactor>());
        builder.Logging.EnableRedaction();
        // After the configuration's rules, so that no setting (Logging:LogLevel:Default=Trace) turns them back on.
        builder.Services.PostConfigure<LoggerFilterOptions>(SilenceRequestLines);
        return builder;
    }

    /// <summary>
    /// Caps the request-line categories at Warning for every provider. The rule that decides a
    /// logger's level is the most specific one: a provider's own rule beats a general one, then
    /// the longest category, then the last added; so the cap is added last, once in general and
    /// once for each provider that any rule names.
    /// </summary>
    private static void SilenceRequestLines(LoggerFilterOptions options)
    {
        var providers = options.Rules.Select(r => r.ProviderName).Where(p => p is not null).Distinct().Prepend(null).ToList();
        foreach (var provider in providers)
            foreach (var category in RequestLineCategories)
                options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Warning, filter: null));
    }

    /// <summary>Replaces a classified value with <see cref="Mark"/>, so a reader sees that something was there.</summary>
    public sealed class MarkingRedactor : Redactor
    {
        public override int GetRedactedLength(ReadOnlySpan<char> input) => Mark.Length;

        public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
        {
            Mark.CopyTo(destination);
            return Mark.Length;
        }
    }
}

/// <summary>
/// An unexpected failure as a log line receives it: the type and stack trace of every exception in
/// the chain, and their messages only where the type builds its message without request data (the
/// database's own errors, the domain's). Any other message may quote what was sent: .NET's
/// FormatException reads "The input string 'M-000123' was not in a correct format."
/// </summary>
public sealed class WithheldMessageException : Exception
{
    private readonly string? stackTrace;

    private WithheldMessageException(Exception original)
        : base(Describe(original), original.InnerException is { } inner ? new WithheldMessageException(inner) : null)
    {
        stackTrace = original.StackTrace;
        HResult = original.HResult;
    }

    public static WithheldMessageException Of(Exception original) => new(original);

    public override string? StackTrace => stackTrace;

    private static string Describe(Exception e) => e is DbException or DbUpdateException or DomainException
        ? $"{e.GetType().FullName}: {e.Message}"
        : $"{e.GetType().FullName} (message withheld: it may quote request data)";
}
