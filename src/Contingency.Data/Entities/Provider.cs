namespace Contingency.Data.Entities;

/// <summary>An independent contract clinician enrolled to see members during the strike.</summary>
public sealed class Provider
{
    public const string Active = "active";

    private Provider() { }

    public Provider(string id, string name, string npi, string licenseType, string licenseNumber, string email,
        string region, IEnumerable<string> modalities, IEnumerable<string> languages, DateTimeOffset now)
    {
        Id = id;
        Name = name;
        Npi = npi;
        LicenseType = licenseType;
        LicenseNumber = licenseNumber;
        Email = email;
        Region = region;
        Modalities = modalities.Distinct().ToList();
        Languages = languages.Distinct().ToList();
        Status = Active;
        CreatedAt = now;
    }

    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Npi { get; private set; } = "";
    public string LicenseType { get; private set; } = "";
    public string LicenseNumber { get; private set; } = "";
    public string Email { get; private set; } = "";
    public string Region { get; private set; } = "";
    public List<string> Modalities { get; private set; } = [];
    public List<string> Languages { get; private set; } = [];
    public string Status { get; private set; } = Active;
    public DateTimeOffset CreatedAt { get; private set; }
}
