namespace Contingency.Features.Providers;

using System.ComponentModel.DataAnnotations;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record Enroll(
    [property: Required] string? Name, [property: Required] string? Npi, [property: Required] string? LicenseType,
    [property: LicenceData] [property: Required] string? LicenseNumber, [property: ContactData] [property: Required] string? Email, [property: Required] string? Region,
    [property: Required] List<string>? Modalities, [property: Required] List<string>? Languages) : ICommand<ProviderView>;

public sealed class EnrollValidator : AbstractValidator<Enroll>
{
    public EnrollValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(Limits.MaxNameLength);
        RuleFor(c => c.Npi).NotEmpty().Must(Npi.IsValid)
            .WithMessage("npi must be 10 digits ending in a valid check digit.");
        RuleFor(c => c.LicenseType).NotEmpty().Must(t => Vocabulary.LicenseTypes.Contains(t))
            .WithMessage($"licenseType must be one of {string.Join(", ", Vocabulary.LicenseTypes)}.");
        RuleFor(c => c.LicenseNumber).NotEmpty().MaximumLength(Provider.MaxCodeLength);
        RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(Provider.MaxEmailLength);
        RuleFor(c => c.Region).NotEmpty().MaximumLength(Provider.MaxRegionLength);
        RuleFor(c => c.Modalities).NotEmpty().Must(m => m is null || m.Count <= Vocabulary.Modalities.Length)
            .WithMessage($"modalities lists at most {Vocabulary.Modalities.Length} modalities.");
        RuleForEach(c => c.Modalities).Must(m => Vocabulary.Modalities.Contains(m))
            .WithMessage($"modalities are among {string.Join(", ", Vocabulary.Modalities)}.");
        RuleFor(c => c.Languages).NotEmpty().Must(l => l is null || l.Count <= Limits.MaxLanguages)
            .WithMessage($"languages lists at most {Limits.MaxLanguages} languages.");
        RuleForEach(c => c.Languages).NotEmpty().MaximumLength(Provider.MaxLanguageLength)
            .When(c => c.Languages is { Count: <= Limits.MaxLanguages });
    }
}

public sealed class EnrollHandler(ContingencyDb db, TimeProvider clock) : ICommandHandler<Enroll, ProviderView>
{
    public async ValueTask<ProviderView> Handle(Enroll cmd, CancellationToken ct)
    {
        if (await db.Providers.AnyAsync(p => p.Npi == cmd.Npi, ct)) throw DuplicateNpi(cmd.Npi!);
        var provider = new Provider(Ids.New(), cmd.Name!.Trim(), cmd.Npi!, cmd.LicenseType!, cmd.LicenseNumber!.Trim(),
            cmd.Email!.Trim(), cmd.Region!.Trim(), cmd.Modalities!, cmd.Languages!.Select(l => l.Trim()), clock.GetUtcNow());
        db.Providers.Add(provider);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two enrollments of one NPI raced past the check above; the unique index decided.
            throw DuplicateNpi(cmd.Npi!);
        }
        return ProviderView.From(provider);
    }

    private static ConflictException DuplicateNpi(string npi) =>
        new(ErrorCodes.DuplicateNpi, $"A provider with NPI {npi} is already enrolled.");
}
