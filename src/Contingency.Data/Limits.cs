namespace Contingency.Data;

/// <summary>
/// The bounds every value the service accepts stays within (the contract's Conventions). They are
/// chosen so that nothing the service computes from accepted values can overflow: dates plus 104
/// weeks stay far from DateOnly's end, and money sums stay inside their storage (see MaxMoney).
/// </summary>
public static class Limits
{
    public static readonly DateOnly FirstDate = new(2000, 1, 1);
    public static readonly DateOnly LastDate = new(2099, 12, 31);

    /// <summary>A program or commitment runs at most two years, extensions included.</summary>
    public const int MaxWeeks = 104;

    /// <summary>
    /// The largest rate or bonus. The largest single payment is then a week of 7 x 12 sessions at
    /// twice this (session + premium) = 168,000,000.00; a batch would need more than 500 million
    /// payments to pass the 92 trillion that the cents column (a 64-bit integer) holds.
    /// </summary>
    public const decimal MaxMoney = 1_000_000.00m;
    public const int MoneyDecimals = 2;

    public const int MaxDatesInList = 366;
    public const int MaxLanguages = 20;
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 500;
    public const int MaxPagedRows = 1_000_000;
    public const int MaxWindowDays = 366;

    public static bool IsServiceDate(DateOnly date) => date >= FirstDate && date <= LastDate;

    public static string DateRange => $"between {FirstDate:yyyy-MM-dd} and {LastDate:yyyy-MM-dd}";

    /// <summary>Money the service accepts: 0 .. MaxMoney with at most two decimals, exactly.</summary>
    public static bool IsMoney(decimal amount) =>
        amount >= 0 && amount <= MaxMoney && decimal.Round(amount, MoneyDecimals) == amount;
}
