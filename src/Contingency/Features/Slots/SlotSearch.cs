namespace Contingency.Features.Slots;

using Contingency.Data;

/// <summary>The free-slot search of the scheduling screen: what a person chose, as the API's query (only the parameters the route takes).</summary>
public sealed class SlotSearch
{
    public const int Limit = 20;

    public static IReadOnlyList<string> Modalities => Vocabulary.Modalities;
    public static IReadOnlyList<string> LicenseTypes => Vocabulary.LicenseTypes;

    public string Region { get; set; } = "";
    public string Language { get; set; } = "";
    public string Modality { get; set; } = "";
    public string LicenseType { get; set; } = "";

    /// <summary><c>api/programs/{id}/slots?...</c> with the chosen filters, empty ones left out.</summary>
    public string Path(string programId)
    {
        var query = new List<string>();
        void Add(string name, string value)
        {
            if (value.Trim() is { Length: > 0 } v) query.Add($"{name}={Uri.EscapeDataString(v)}");
        }
        Add("region", Region);
        Add("language", Language);
        Add("modality", Modality);
        Add("licenseType", LicenseType);
        query.Add($"limit={Limit}");
        return $"api/programs/{Uri.EscapeDataString(programId)}/slots?{string.Join('&', query)}";
    }
}
