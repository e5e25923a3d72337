namespace Contingency.Infrastructure;

using Contingency.Data;
using FluentValidation;

/// <summary>The contract's limits as validator rules, so every field reports them the same way.</summary>
public static class ValidationRules
{
    public static IRuleBuilderOptions<T, DateOnly?> ServiceDate<T>(this IRuleBuilder<T, DateOnly?> rule) =>
        rule.Must(d => d is null || Limits.IsServiceDate(d.Value)).WithMessage($"{{PropertyName}} must be {Limits.DateRange}.");

    public static IRuleBuilderOptions<T, DateTimeOffset?> ServiceInstant<T>(this IRuleBuilder<T, DateTimeOffset?> rule) =>
        // The date as written, in the offset sent (the program's own): 2099-12-31T20:00-08:00 is in range.
        rule.Must(i => i is null || Limits.IsServiceDate(DateOnly.FromDateTime(i.Value.DateTime)))
            .WithMessage($"{{PropertyName}} must fall {Limits.DateRange}.");

    public static IRuleBuilderOptions<T, List<DateOnly>?> ServiceDates<T>(this IRuleBuilder<T, List<DateOnly>?> rule) =>
        rule.Must(ds => ds is null || ds.Count <= Limits.MaxDatesInList)
            .WithMessage($"{{PropertyName}} holds at most {Limits.MaxDatesInList} dates.")
            .Must(ds => ds is null || ds.All(Limits.IsServiceDate))
            .WithMessage($"Every date of {{PropertyName}} must be {Limits.DateRange}.");

    public static IRuleBuilderOptions<T, decimal?> Money<T>(this IRuleBuilder<T, decimal?> rule) =>
        rule.NotNull().Must(m => m is null || Limits.IsMoney(m.Value))
            .WithMessage($"{{PropertyName}} is an amount from 0 to {Limits.MaxMoney:0.00} with at most two decimals.");

    public static IRuleBuilderOptions<T, int?> Weeks<T>(this IRuleBuilder<T, int?> rule) =>
        rule.NotNull().InclusiveBetween(1, Limits.MaxWeeks);

    /// <summary>A page of a listing: page from 1, and never a page that starts past the millionth row.</summary>
    public static void Paging<T>(this AbstractValidator<T> validator, Func<T, int> page, Func<T, int> pageSize, int maxPageSize)
    {
        validator.RuleFor(q => page(q)).GreaterThanOrEqualTo(1).OverridePropertyName("page");
        validator.RuleFor(q => pageSize(q)).InclusiveBetween(1, maxPageSize).OverridePropertyName("pageSize");
        validator.RuleFor(q => (long)page(q) * pageSize(q)).LessThanOrEqualTo(Limits.MaxPagedRows).OverridePropertyName("page")
            .WithMessage($"page x pageSize must stay within {Limits.MaxPagedRows:N0} rows.");
    }

    /// <summary>A window of local dates: to not before from, at most MaxWindowDays long, both within the service's dates.</summary>
    public static void Window<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, DateOnly?>> from,
        System.Linq.Expressions.Expression<Func<T, DateOnly?>> to)
    {
        var f = from.Compile();
        var t = to.Compile();
        validator.RuleFor(from).ServiceDate();
        validator.RuleFor(to).ServiceDate();
        validator.RuleFor(to).Must((q, end) => end >= f(q)).When(q => f(q) is not null && t(q) is not null)
            .WithMessage("to must not be before from.");
        validator.RuleFor(to).Must((q, end) => end!.Value.DayNumber - f(q)!.Value.DayNumber < Limits.MaxWindowDays)
            .When(q => f(q) is not null && t(q) is not null)
            .WithMessage($"A window spans at most {Limits.MaxWindowDays} days.");
    }
}
