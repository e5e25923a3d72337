namespace Contingency.Infrastructure;

using Microsoft.AspNetCore.Http.Features;

/// <summary>
/// Body sizes the contract allows: JSON at most 1 MB, CSV at most 10 MB; beyond them 413
/// payload-too-large, before the body is read whole. A declared Content-Length is refused at
/// once; a chunked body is cut off as soon as it passes the limit.
/// </summary>
public static class RequestLimits
{
    public const long MaxJsonBytes = 1024 * 1024;
    public const long MaxCsvBytes = 10 * 1024 * 1024;

    public static IApplicationBuilder UseBodySizeLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var limit = http.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true ? MaxCsvBytes : MaxJsonBytes;
        if (http.Request.ContentLength > limit) throw TooLarge(limit);
        // Kestrel enforces its own limit too; set it to ours so both agree.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel) kestrel.MaxRequestBodySize = limit;
        // A declared length within the limit is all the server will read; only a chunked body needs counting.
        if (http.Request.ContentLength is null) http.Request.Body = new LimitedStream(http.Request.Body, limit);
        await next(http);
    });

    /// <summary>
    /// No NUL character in a query: no filter holds one, and PostgreSQL refuses one in text (which would
    /// otherwise end the request as a 500). A parameter with one is a 400 naming it. (A path with one
    /// never gets this far: the server refuses it.)
    /// </summary>
    public static IApplicationBuilder UseNoNulCharacters(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        foreach (var (name, values) in http.Request.Query)
            if (name.Contains('\0') || values.Any(v => v?.Contains('\0') == true))
            {
                var field = name.Replace("\0", "");
                throw new Contingency.Data.InvalidFieldException(field, $"{field} must not contain a NUL character.");
            }
        await next(http);
    });

    private static BadHttpRequestException TooLarge(long limit) =>
        new($"The request body is larger than {limit / 1024 / 1024} MB.", StatusCodes.Status413PayloadTooLarge);

    /// <summary>Reads through to the request body and refuses to go past the limit.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            Count(await inner.ReadAsync(buffer, ct));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private int Count(int n)
        {
            read += n;
            return read > limit ? throw TooLarge(limit) : n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
