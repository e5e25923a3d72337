namespace Contingency.Tests.Support;

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Contingency.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

/// <summary>
/// Every classified or secret value a test service was sent or trusts: member references, emails and
/// licence numbers (in JSON bodies, CSV rows and query strings), bearer tokens, signing keys and
/// connection strings. Kept per database file, so that every node over one database is held
/// against what any of them received. <see cref="CapturedLogs.Violations"/> checks lines against it.
/// </summary>
public sealed partial class SentValues
{
    /// <summary>The request fields that carry classified data, as the contract names them (and free-text reasons, which may).</summary>
    public static readonly IReadOnlyList<string> ClassifiedFields = ["memberRef", "email", "licenseNumber", "reason"];

    // Shorter values ("7", "ab") occur inside any text; the shortest the suite sends is "M-2".
    private const int MinLength = 3;

    private static readonly ConcurrentDictionary<string, SentValues> ByDatabase = new();
    private readonly ConcurrentDictionary<string, string> values = new(StringComparer.Ordinal);

    public static SentValues For(string databasePath) => ByDatabase.GetOrAdd(Path.GetFullPath(databasePath), _ => new SentValues());

    /// <summary>value -> what it is (memberRef, email, token, signing key, ...).</summary>
    public IReadOnlyDictionary<string, string> All => values;

    public void Record(string kind, string? value)
    {
        if (value is null) return;
        // As sent, as stored (trimmed), and as a URL or a log line quoting a URL would spell it.
        foreach (var v in new[] { value, value.Trim(), Uri.EscapeDataString(value.Trim()), WebUtility.UrlEncode(value.Trim()) })
            if (v.Length >= MinLength && !string.IsNullOrWhiteSpace(v)) values.TryAdd(v, kind);
    }

    public bool Contains(string kind, string value) => values.TryGetValue(value, out var k) && k == kind;

    /// <summary>Records the classified fields of a request body the service read (a JSON object, or CSV with a header row).</summary>
    public void RecordBody(string? contentType, string body)
    {
        if (contentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            RecordCsv(body);
            return;
        }
        // Read as text, not parsed: a body that breaks off or turns malformed after a field was still read up to there.
        foreach (Match m in JsonField().Matches(body))
        {
            var name = Unescape(m.Groups["name"].Value);
            if (name is null || !ClassifiedFields.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            Record(name, Unescape(m.Groups["value"].Value));
        }
    }

    public void RecordQuery(IQueryCollection query)
    {
        foreach (var (name, sent) in query)
            if (ClassifiedFields.Contains(name, StringComparer.OrdinalIgnoreCase))
                foreach (var value in sent) Record(name, value);
    }

    public void RecordAuthorization(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return;
        Record("authorization header", header);
        var space = header.IndexOf(' ');
        if (space > 0) Record("token", header[(space + 1)..]);
    }

    private void RecordCsv(string body)
    {
        var lines = body.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) return;
        var header = CsvLine.Cells(lines[0]).Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
        foreach (var line in lines.Skip(1))
        {
            var cells = CsvLine.Cells(line);
            for (var i = 0; i < header.Count && i < cells.Count; i++)
                if (ClassifiedFields.Contains(header[i], StringComparer.OrdinalIgnoreCase)) Record(header[i], cells[i]);
        }
    }

    private static string? Unescape(string jsonStringContent)
    {
        try
        {
            return JsonSerializer.Deserialize<string>($"\"{jsonStringContent}\"");
        }
        catch (JsonException)
        {
            return jsonStringContent;
        }
    }

    [GeneratedRegex("\"(?<name>(?:[^\"\\\\]|\\\\.)*)\"\\s*:\\s*\"(?<value>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex JsonField();
}

/// <summary>
/// Outermost middleware of a test service: records what each request brings that the log scan must
/// never find (query values, the Authorization header, the classified fields of the body as far as
/// the service read it). The body is copied as it is read, never read ahead of the service.
/// </summary>
public sealed class RecordSentValues(SentValues sent) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            sent.RecordQuery(context.Request.Query);
            sent.RecordAuthorization(context.Request.Headers.Authorization);
            var copy = new CopyingStream(context.Request.Body, RequestLimits.MaxCsvBytes + 1);
            context.Request.Body = copy;
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                if (copy.Copied > 0) sent.RecordBody(context.Request.ContentType, copy.Text());
            }
        });
        next(app);
    };

    private sealed class CopyingStream(Stream inner, long limit) : Stream
    {
        private readonly MemoryStream copy = new();
        private long read;

        public long Copied => copy.Length;

        public string Text() => Encoding.UTF8.GetString(copy.GetBuffer(), 0, (int)copy.Length);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Keep(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = await inner.ReadAsync(buffer, ct);
            return Keep(buffer.Span[..n]);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private int Keep(ReadOnlySpan<byte> bytes)
        {
            read += bytes.Length;
            if (copy.Length < limit) copy.Write(bytes[..(int)Math.Min(bytes.Length, limit - copy.Length)]);
            return bytes.Length;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
