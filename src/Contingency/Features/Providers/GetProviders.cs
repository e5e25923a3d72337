namespace Contingency.Features.Providers;

using Contingency.Data;
using Contingency.Infrastructure.Security;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record GetProvider(string ProviderId) : IQuery<ProviderView>;

public sealed class GetProviderHandler(ContingencyDb db, Caller caller) : IQueryHandler<GetProvider, ProviderView>
{
    public async ValueTask<ProviderView> Handle(GetProvider query, CancellationToken ct)
    {
        caller.RequireVisible("provider", query.ProviderId, query.ProviderId);
        return ProviderView.From(await db.Providers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.ProviderId, ct)
            ?? throw new NotFoundException("provider", query.ProviderId));
    }
}

/// <summary>
/// <c>Q</c> searches: all digits, it matches the start of the NPI; otherwise a part of the name, as typed or
/// ignoring case (on SQLite, whose <c>lower</c> knows no other, the case of ASCII letters only).
/// </summary>
public sealed record ListProviders(string? Region, string? LicenseType, string? Language, int Page, int PageSize, string? Q = null)
    : IQuery<Paged<ProviderView>>;

public sealed class ListProvidersValidator : AbstractValidator<ListProviders>
{
    public const int MaxPageSize = 500;

    public ListProvidersValidator()
    {
        this.Paging(q => q.Page, q => q.PageSize, MaxPageSize);
        RuleFor(q => q.Region).MaximumLength(Provider.MaxRegionLength);
        RuleFor(q => q.LicenseType).MaximumLength(Limits.MaxNameLength);
        RuleFor(q => q.Language).MaximumLength(Provider.MaxLanguageLength);
        RuleFor(q => q.Q).MaximumLength(Limits.MaxNameLength);
    }
}

public sealed class ListProvidersHandler(ContingencyDb db) : IQueryHandler<ListProviders, Paged<ProviderView>>
{
    public async ValueTask<Paged<ProviderView>> Handle(ListProviders query, CancellationToken ct)
    {
        var providers = db.Providers.AsNoTracking();
        if (!string.IsNullOrEmpty(query.Region)) providers = providers.Where(p => p.Region == query.Region);
        if (!string.IsNullOrEmpty(query.LicenseType)) providers = providers.Where(p => p.LicenseType == query.LicenseType);
        if (!string.IsNullOrEmpty(query.Language)) providers = providers.Where(p => p.Languages.Contains(query.Language));
        if (query.Q?.Trim() is { Length: > 0 } q)
        {
            // The database lowers the names: SQLite only ASCII letters, PostgreSQL by its locale. So the
            // search is lowered both ways and also matched as typed: a name typed as stored always matches.
            var invariant = q.ToLowerInvariant();
            var ascii = string.Concat(q.Select(c => char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c) : c));
            providers = q.All(char.IsAsciiDigit)
                ? providers.Where(p => p.Npi.StartsWith(q))
                : providers.Where(p => p.Name.Contains(q) || p.Name.ToLower().Contains(invariant) || p.Name.ToLower().Contains(ascii));
        }

        var total = await providers.CountAsync(ct);
        var items = await providers.OrderBy(p => p.Name).ThenBy(p => p.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ToListAsync(ct);
        return new Paged<ProviderView>(items.Select(ProviderView.From).ToList(), query.Page, query.PageSize, total);
    }
}
