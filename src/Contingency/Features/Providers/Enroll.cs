namespace Contingency.Features.Providers;

using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
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
        RuleFor(c => c.Npi).NotEmpty().Must(Npi.IsValid)
            .WithMessage("npi must be 10 digits ending in a valid check digit.");
        RuleFor(c => c.LicenseType).NotEmpty().Must(t => Vocabulary.LicenseTypes.Contains(t))
            .WithMessage($"licenseType must be one of {string.Join(", ", Vocabulary.LicenseTypes)}.");
        RuleFor(c => c.Region).NotEmpty().MaximumLength(Provider.MaxRegionLength);
        ProviderRules.FieldsThatMayChange(this, c => c.Name, c => c.Email, c => c.LicenseNumber, c => c.Modalities, c => c.Languages, required: true);
    }
}

/// <summary>
/// The rules of the fields that may change after enrollment, shared by enrollment (and so the roster
/// import) and corrections, where a field left out (null) keeps its value.
/// </summary>
public static class ProviderRules
{
    public static void FieldsThatMayChange<T>(AbstractValidator<T> v, Expression<Func<T, string?>> name, Expression<Func<T, string?>> email,
        Expression<Func<T, string?>> licenseNumber, Expression<Func<T, List<string>?>> modalities, Expression<Func<T, List<string>?>> languages,
        bool required)
    {
        Sent(v.RuleFor(name).NotEmpty().MaximumLength(Limits.MaxNameLength), name, required);
        Sent(v.RuleFor(licenseNumber).NotEmpty().MaximumLength(Provider.MaxCodeLength), licenseNumber, required);
        Sent(v.RuleFor(email).NotEmpty().EmailAddress().MaximumLength(Provider.MaxEmailLength), email, required);
        Sent(v.RuleFor(modalities).NotEmpty().Must(m => m is null || m.Count <= Vocabulary.Modalities.Length)
            .WithMessage($"modalities lists at most {Vocabulary.Modalities.Length} modalities."), modalities, required);
        v.RuleForEach(Items(modalities)).Must(m => Vocabulary.Modalities.Contains(m))
            .WithMessage($"modalities are among {string.Join(", ", Vocabulary.Modalities)}.");
        Sent(v.RuleFor(languages).NotEmpty().Must(l => l is null || l.Count <= Limits.MaxLanguages)
            .WithMessage($"languages lists at most {Limits.MaxLanguages} languages."), languages, required);
        var spoken = languages.Compile();
        v.RuleForEach(Items(languages)).NotEmpty().MaximumLength(Provider.MaxLanguageLength)
            .When(c => spoken(c) is { Count: <= Limits.MaxLanguages });
    }

    private static Expression<Func<T, IEnumerable<string>>> Items<T>(Expression<Func<T, List<string>?>> list) =>
        Expression.Lambda<Func<T, IEnumerable<string>>>(list.Body, list.Parameters);

    // A correction checks only the fields it sends.
    private static void Sent<T, TField>(IRuleBuilderOptions<T, TField> rule, Expression<Func<T, TField>> field, bool required)
    {
        if (required) return;
        var value = field.Compile();
        rule.When(c => value(c) is not null);
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
