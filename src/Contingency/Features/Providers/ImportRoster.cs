namespace Contingency.Features.Providers;

using System.Text;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using CsvHelper;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// A roster as sent: the bytes of a CSV file with a header row. A <paramref name="Preview"/> judges every
/// row as the import would and saves nothing: its report is the import's, with no id on the rows it would create.
/// </summary>
public sealed record ImportRoster(byte[] Csv, bool Preview = false) : ICommand<ImportReport>;

public sealed record ImportReport(int Created, int Duplicates, int Invalid, IReadOnlyList<ImportedRow> Rows);

/// <summary>One data row: its line in the file, what became of it, the provider's id (new, or the one that has its NPI) and why not.</summary>
public sealed record ImportedRow(int Line, string Status, string? Id, IReadOnlyDictionary<string, string[]>? Errors)
{
    public const string Created = "created";
    public const string Duplicate = "duplicate";
    public const string Invalid = "invalid";
}

/// <summary>
/// Enrolls every valid row of a roster and reports every other, in one transaction. Each row is judged
/// as <see cref="Enroll"/> judges a body, by the same validator; an NPI already enrolled, or enrolled by
/// an earlier row of the file, makes the row a duplicate. Set-based: the NPIs already enrolled are read
/// once (in chunks of <see cref="NpiChunk"/>, under SQL Server's parameter limit) and the new providers
/// are saved together.
/// </summary>
public sealed class ImportRosterHandler(ContingencyDb db, IValidator<Enroll> validator, TimeProvider clock)
    : ICommandHandler<ImportRoster, ImportReport>
{
    private const int NpiChunk = 1000;
    private const int Attempts = 3;

    public async ValueTask<ImportReport> Handle(ImportRoster cmd, CancellationToken ct)
    {
        var rows = RosterCsv.Read(cmd.Csv);
        var judged = rows.Select(r => (r.Line, r.Row, Errors: Errors(r.Row))).ToList();
        // A dry run reads what the import reads and writes nothing, so no transaction, no audit entry.
        if (cmd.Preview) return await Enroll(judged, preview: true, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await db.WriteAsync(() => Enroll(judged, preview: false, ct), ct);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                // An enrollment of one of these NPIs committed after they were read: read them again.
                db.ChangeTracker.Clear();
                if (attempt == Attempts)
                    throw new ConflictException(ErrorCodes.DuplicateNpi, "Providers with these NPIs kept being enrolled meanwhile; send the roster again.");
            }
        }
    }

    private async Task<ImportReport> Enroll(List<(int Line, Enroll Row, Dictionary<string, string[]>? Errors)> rows, bool preview, CancellationToken ct)
    {
        var npis = rows.Where(r => r.Errors is null).Select(r => r.Row.Npi!).Distinct().ToList();
        var enrolled = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in npis.Chunk(NpiChunk))
            foreach (var p in await db.Providers.AsNoTracking().Where(p => chunk.Contains(p.Npi)).Select(p => new { p.Npi, p.Id }).ToListAsync(ct))
                enrolled[p.Npi] = p.Id;

        var now = clock.GetUtcNow();
        var report = new List<ImportedRow>(rows.Count);
        var created = new List<Provider>();
        foreach (var (line, row, errors) in rows)
        {
            if (errors is not null)
            {
                report.Add(new ImportedRow(line, ImportedRow.Invalid, null, errors));
                continue;
            }
            if (enrolled.TryGetValue(row.Npi!, out var existing))
            {
                report.Add(new ImportedRow(line, ImportedRow.Duplicate, existing,
                    new Dictionary<string, string[]> { ["npi"] = [$"A provider with NPI {row.Npi} is already enrolled."] }));
                continue;
            }
            try
            {
                var provider = new Provider(Ids.New(), row.Name!, row.Npi!, row.LicenseType!, row.LicenseNumber!, row.Email!,
                    row.Region!, row.Modalities!, row.Languages!, now);
                created.Add(provider);
                enrolled[provider.Npi] = provider.Id;
                report.Add(new ImportedRow(line, ImportedRow.Created, preview ? null : provider.Id, null));
            }
            catch (InvalidFieldException e)
            {
                report.Add(new ImportedRow(line, ImportedRow.Invalid, null, new Dictionary<string, string[]> { [e.Field] = [e.Message] }));
            }
        }
        if (!preview)
        {
            db.Providers.AddRange(created);
            await db.SaveChangesAsync(ct);
        }
        return new ImportReport(created.Count, report.Count(r => r.Status == ImportedRow.Duplicate),
            report.Count(r => r.Status == ImportedRow.Invalid), report);
    }

    private Dictionary<string, string[]>? Errors(Enroll row)
    {
        var result = validator.Validate(row);
        return result.IsValid
            ? null
            : result.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
    }
}

/// <summary>
/// Reads a roster: UTF-8 text (a BOM is allowed), comma-separated, RFC 4180 quoting, a header row naming
/// at least the <see cref="Columns"/> in any order and case (other columns are ignored), lists within a
/// field separated by <c>;</c>. Anything else is not a roster and refused whole.
/// </summary>
public static class RosterCsv
{
    public static readonly string[] Columns = ["name", "npi", "licenseType", "licenseNumber", "email", "region", "modalities", "languages"];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        // Fixed rather than detected: ';' separates the items of a list inside a field.
        Separator = ',',
        DetectSeparatorHint = false,
        TrimWhitespace = true,
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        // A roster carries contact and licence data: no value in an exception message.
        IncludeValuesInExceptions = false,
    };

    public static List<(int Line, Enroll Row)> Read(byte[] csv)
    {
        try
        {
            if (StrictUtf8.GetString(csv).Contains('\0')) throw NotCsv("The body is not CSV text (it contains NUL characters).");
        }
        catch (DecoderFallbackException)
        {
            throw NotCsv("The body is not CSV text in UTF-8.");
        }

        try
        {
            using var reader = CsvReader.Create(csv, Options);
            var headers = reader.Headers.Select(h => h.Trim()).ToList();
            var duplicated = headers.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (duplicated.Count > 0) throw NotCsv($"The header row names {string.Join(", ", duplicated)} more than once.");
            var index = Columns.ToDictionary(c => c, c => headers.FindIndex(h => string.Equals(h, c, StringComparison.OrdinalIgnoreCase)));
            var missing = index.Where(c => c.Value < 0).Select(c => c.Key).ToList();
            if (missing.Count > 0)
                throw NotCsv($"The header row lacks {string.Join(", ", missing)}; a roster's header is {string.Join(", ", Columns)}.");

            var rows = new List<(int, Enroll)>();
            while (reader.Read())
            {
                string Field(string column) => reader.GetString(index[column]);
                List<string> List(string column) =>
                    [.. Field(column).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
                rows.Add(((int)reader.LineNumber, new Enroll(Field("name"), Field("npi"), Field("licenseType"), Field("licenseNumber"),
                    Field("email"), Field("region"), List("modalities"), List("languages"))));
            }
            return rows;
        }
        catch (CsvFormatException e)
        {
            throw NotCsv($"The body is not well-formed CSV (line {e.LineNumber}): quoting is broken.");
        }
    }

    private static DomainException NotCsv(string detail) => new(ErrorKind.Invalid, ErrorCodes.MalformedRequest, detail);
}
