namespace Contingency.Features.Providers;

using Contingency.Data;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;

/// <summary>
/// The body of <c>PATCH /api/providers/{id}</c>: a field left out (or null) keeps its value. NPI, region
/// and licence type are fixed; they may be sent with the value they have (a client that sends back the
/// whole record), and any other value is refused with 422 <c>fixed-field</c>.
/// </summary>
public sealed record CorrectProviderBody(
    string? Name, [property: ContactData] string? Email, [property: LicenceData] string? LicenseNumber,
    List<string>? Modalities, List<string>? Languages, string? Npi, string? Region, string? LicenseType);

public sealed record CorrectProvider(
    string ProviderId, string? Name, [property: ContactData] string? Email, [property: LicenceData] string? LicenseNumber,
    List<string>? Modalities, List<string>? Languages, string? Npi, string? Region, string? LicenseType) : ICommand<ProviderView>
{
    public static CorrectProvider From(string providerId, CorrectProviderBody b) =>
        new(providerId, b.Name, b.Email, b.LicenseNumber, b.Modalities, b.Languages, b.Npi, b.Region, b.LicenseType);
}

public sealed class CorrectProviderValidator : AbstractValidator<CorrectProvider>
{
    public CorrectProviderValidator() =>
        ProviderRules.FieldsThatMayChange(this, c => c.Name, c => c.Email, c => c.LicenseNumber, c => c.Modalities, c => c.Languages, required: false);
}

public sealed class CorrectProviderHandler(ContingencyDb db) : ICommandHandler<CorrectProvider, ProviderView>
{
    public async ValueTask<ProviderView> Handle(CorrectProvider cmd, CancellationToken ct)
    {
        var provider = await db.Providers.FindAsync([cmd.ProviderId], ct) ?? throw new NotFoundException("provider", cmd.ProviderId);
        Fixed("npi", cmd.Npi, provider.Npi);
        Fixed("region", cmd.Region?.Trim(), provider.Region);
        Fixed("licenseType", cmd.LicenseType, provider.LicenseType);
        provider.Correct(cmd.Name?.Trim(), cmd.Email?.Trim(), cmd.LicenseNumber?.Trim(), cmd.Modalities, cmd.Languages?.Select(l => l.Trim()));
        await db.SaveChangesAsync(ct);
        return ProviderView.From(provider);
    }

    private static void Fixed(string field, string? sent, string current)
    {
        if (sent is not null && sent != current)
            throw new UnprocessableException(ErrorCodes.FixedField,
                $"{field} is fixed once a provider is enrolled; deactivate the provider and enroll it again to change it.");
    }
}
