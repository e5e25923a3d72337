namespace Contingency.Features.Providers;

using Contingency.Data;
using Contingency.Data.Entities;

public sealed record ProviderView(
    string Id, string Name, string Npi, string LicenseType, [property: LicenceData] string LicenseNumber, [property: ContactData] string Email, string Region,
    IReadOnlyList<string> Modalities, IReadOnlyList<string> Languages, string Status)
{
    public static ProviderView From(Provider p) => new(
        p.Id, p.Name, p.Npi, p.LicenseType, p.LicenseNumber, p.Email, p.Region, p.Modalities, p.Languages, p.Status);
}

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
