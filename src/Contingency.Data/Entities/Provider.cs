namespace Contingency.Data.Entities;

/// <summary>An independent contract clinician enrolled to see members during the strike.</summary>
public sealed class Provider
{
    public const string Active = "active";
    public const string Inactive = "inactive";

    private Provider() { }

    public Provider(string id, string name, string npi, string licenseType, string licenseNumber, string email,
        string region, IEnumerable<string> modalities, IEnumerable<string> languages, DateTimeOffset now)
    {
        Guard.Name("name", name);
        if (!Contingency.Data.Npi.IsValid(npi)) throw new InvalidFieldException("npi", "npi must be 10 digits ending in a valid check digit.");
        if (!Vocabulary.LicenseTypes.Contains(licenseType))
            throw new InvalidFieldException("licenseType", $"licenseType must be one of {string.Join(", ", Vocabulary.LicenseTypes)}.");
        Guard.Name("licenseNumber", licenseNumber, MaxCodeLength);
        Guard.Name("email", email, MaxEmailLength);
        Guard.Name("region", region, MaxRegionLength);
        var offered = Offered(modalities);
        var spoken = Spoken(languages);

        Id = id;
        Name = name;
        Npi = npi;
        LicenseType = licenseType;
        LicenseNumber = licenseNumber;
        Email = email;
        Region = region;
        Modalities = offered;
        Languages = spoken;
        Status = Active;
        CreatedAt = now;
    }

    public const int MaxCodeLength = 64;
    public const int MaxEmailLength = 254;
    public const int MaxRegionLength = 100;
    public const int MaxLanguageLength = 35;

    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Npi { get; private set; } = "";
    public string LicenseType { get; private set; } = "";
    [LicenceData] public string LicenseNumber { get; private set; } = "";
    [ContactData] public string Email { get; private set; } = "";
    public string Region { get; private set; } = "";
    public List<string> Modalities { get; private set; } = [];
    public List<string> Languages { get; private set; } = [];
    public string Status { get; private set; } = Active;
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// Corrects the fields that may change after enrollment; a null leaves its field as it is. NPI,
    /// region and licence type are the provider's identity and where and how it may practise: they are
    /// fixed, and a provider enrolled with a wrong one is deactivated and enrolled again.
    /// </summary>
    public void Correct(string? name, string? email, string? licenseNumber, IEnumerable<string>? modalities, IEnumerable<string>? languages)
    {
        if (name is not null) Guard.Name("name", name);
        if (email is not null) Guard.Name("email", email, MaxEmailLength);
        if (licenseNumber is not null) Guard.Name("licenseNumber", licenseNumber, MaxCodeLength);
        var offered = modalities is null ? null : Offered(modalities);
        var spoken = languages is null ? null : Spoken(languages);

        Name = name ?? Name;
        Email = email ?? Email;
        LicenseNumber = licenseNumber ?? LicenseNumber;
        Modalities = offered ?? Modalities;
        Languages = spoken ?? Languages;
    }

    /// <summary>
    /// Takes the provider out: no new commitment is accepted. Withdrawing its commitments is the
    /// caller's, in the same transaction.
    /// </summary>
    public void Deactivate()
    {
        if (Status != Active)
            throw new ConflictException(ErrorCodes.InvalidTransition, $"Provider '{Id}' is already {Status}.");
        Status = Inactive;
    }

    private static List<string> Offered(IEnumerable<string> modalities)
    {
        var offered = modalities.Distinct().ToList();
        if (offered.Count == 0 || offered.Any(m => !Vocabulary.Modalities.Contains(m)))
            throw new InvalidFieldException("modalities", $"modalities are one or more of {string.Join(", ", Vocabulary.Modalities)}.");
        return offered;
    }

    private static List<string> Spoken(IEnumerable<string> languages)
    {
        var spoken = languages.Distinct().ToList();
        if (spoken.Count is 0 or > Limits.MaxLanguages)
            throw new InvalidFieldException("languages", $"languages lists 1 to {Limits.MaxLanguages} languages.");
        foreach (var language in spoken) Guard.Name("languages", language, MaxLanguageLength);
        return spoken;
    }
}
