namespace Contingency.Features.Providers;

using Contingency.Data;
using Contingency.Features.Slots;

/// <summary>The roster's filters and page, as the API's query string reads them.</summary>
public sealed record RosterFilter(string? Region = null, string? LicenseType = null, string? Language = null, int Page = 1, int PageSize = 50,
    string? Search = null)
{
    public string ApiPath
    {
        get
        {
            var query = new List<string>();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrWhiteSpace(value)) query.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
            }
            Add("q", Search);
            Add("region", Region);
            Add("licenseType", LicenseType);
            Add("language", Language);
            query.Add($"page={Page}");
            query.Add($"pageSize={PageSize}");
            return "api/providers?" + string.Join('&', query);
        }
    }

    /// <summary>How many pages <paramref name="total"/> rows fill, at least one.</summary>
    public static int Pages(int total, int pageSize) => Math.Max(1, (total + pageSize - 1) / pageSize);
}

/// <summary>One day of the week view: its date and its slots in order.</summary>
public sealed record WeekDay(DateOnly Date, IReadOnlyList<ProviderSlotView> Slots);

/// <summary>A Monday-to-Sunday week of a provider's slots, for the week view.</summary>
public static class WeekGrid
{
    public static DateOnly MondayOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    /// <summary>The seven days from <paramref name="monday"/>, each with the slots whose start (in the program's zone, as the API gives it) falls on it.</summary>
    public static IReadOnlyList<WeekDay> Days(DateOnly monday, IEnumerable<ProviderSlotView> slots)
    {
        var byDay = slots.GroupBy(s => DateOnly.FromDateTime(s.Start.DateTime)).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Start).ToList());
        return Enumerable.Range(0, 7).Select(i => monday.AddDays(i))
            .Select(d => new WeekDay(d, byDay.TryGetValue(d, out var list) ? list : [])).ToList();
    }
}

/// <summary>One field a correction changes: what it was and what it becomes.</summary>
public sealed record FieldChange(string Field, string Before, string After);

/// <summary>
/// A correction as edited on the screen: the fields that differ from the provider as it is, and the PATCH
/// body that sends only those (a field left out keeps its value).
/// </summary>
public sealed class CorrectionDraft
{
    public string Name { get; set; } = "";
    [ContactData] public string Email { get; set; } = "";
    [LicenceData] public string LicenseNumber { get; set; } = "";
    public HashSet<string> Modalities { get; set; } = [];
    /// <summary>Language codes separated by commas or semicolons.</summary>
    public string Languages { get; set; } = "";

    public static CorrectionDraft Of(ProviderView p) => new()
    {
        Name = p.Name, Email = p.Email, LicenseNumber = p.LicenseNumber, Modalities = [.. p.Modalities], Languages = string.Join(", ", p.Languages),
    };

    public static List<string> ListOf(string text) =>
        [.. text.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    public IReadOnlyList<FieldChange> Changes(ProviderView p)
    {
        var changes = new List<FieldChange>();
        if (Name.Trim() != p.Name) changes.Add(new("Name", p.Name, Name.Trim()));
        if (Email.Trim() != p.Email) changes.Add(new("Email", p.Email, Email.Trim()));
        if (LicenseNumber.Trim() != p.LicenseNumber) changes.Add(new("Licence number", p.LicenseNumber, LicenseNumber.Trim()));
        var modalities = Contingency.Data.Vocabulary.Modalities.Where(Modalities.Contains).ToList();
        if (!modalities.ToHashSet().SetEquals(p.Modalities)) changes.Add(new("Modalities", string.Join(", ", p.Modalities), string.Join(", ", modalities)));
        var languages = ListOf(Languages);
        if (!languages.SequenceEqual(p.Languages)) changes.Add(new("Languages", string.Join(", ", p.Languages), string.Join(", ", languages)));
        return changes;
    }

    /// <summary>The PATCH body: only the fields that change.</summary>
    public Dictionary<string, object> Body(ProviderView p)
    {
        var body = new Dictionary<string, object>();
        foreach (var change in Changes(p))
        {
            switch (change.Field)
            {
                case "Name": body["name"] = Name.Trim(); break;
                case "Email": body["email"] = Email.Trim(); break;
                case "Licence number": body["licenseNumber"] = LicenseNumber.Trim(); break;
                case "Modalities": body["modalities"] = Contingency.Data.Vocabulary.Modalities.Where(Modalities.Contains).ToList(); break;
                case "Languages": body["languages"] = ListOf(Languages); break;
            }
        }
        return body;
    }
}
