namespace Contingency.Infrastructure;

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

/// <summary>A value of the right JSON type but the wrong form: the message says the form expected.</summary>
public sealed class ExpectedFormException(string expected) : JsonException(expected)
{
    public string Expected { get; } = expected;
}

/// <summary>Local times travel as `HH:mm`, exactly as the contract writes them: no seconds, two-digit hours.</summary>
public sealed partial class WallClockTimeConverter : JsonConverter<TimeOnly>
{
    public const string Expected = "a local time as HH:mm, such as 09:00";

    [GeneratedRegex(@"^([01]\d|2[0-3]):[0-5]\d$")]
    private static partial Regex Form();

    public override TimeOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (text is not null && Form().IsMatch(text))
            return TimeOnly.ParseExact(text, "HH:mm", CultureInfo.InvariantCulture);
        throw new ExpectedFormException(Expected);
    }

    public override void Write(Utf8JsonWriter writer, TimeOnly value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("HH:mm", CultureInfo.InvariantCulture));
}

/// <summary>Local dates travel as `yyyy-MM-dd`, and must exist (no 2027-02-30).</summary>
public sealed class LocalDateConverter : JsonConverter<DateOnly>
{
    public const string Expected = "a local date as yyyy-MM-dd, such as 2027-03-01";

    public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (QueryDate.TryParseLocalDate(text, out var date)) return date;
        throw new ExpectedFormException(Expected);
    }

    public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
}

/// <summary>Instants must carry their offset: a bare local time would be read in the server's own zone.</summary>
public sealed partial class InstantConverter : JsonConverter<DateTimeOffset>
{
    public const string Expected = "an instant as yyyy-MM-ddTHH:mm:ss with its offset, such as 2027-03-15T09:00:00-07:00";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Form();

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (text is not null && Form().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            return instant;
        throw new ExpectedFormException(Expected);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}

/// <summary>
/// Every decimal the API reads is money: a JSON number in plain digits, read exactly. An exponent
/// (1e-30) or a long tail of digits would otherwise be rounded silently to a value nobody sent; a
/// third decimal is read as it is, and the validators refuse it by name.
/// </summary>
public sealed partial class MoneyConverter : JsonConverter<decimal>
{
    public const string Expected = "an amount in plain digits, such as 150.00";

    [GeneratedRegex(@"^-?\d{1,18}(\.\d{1,10})?$")]
    private static partial Regex Form();

    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            var text = Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
            if (Form().IsMatch(text) && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                    CultureInfo.InvariantCulture, out var amount))
                return amount;
        }
        throw new ExpectedFormException(Expected);
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>
/// Enum values by name only, one per string: "Monday", never 1, "1" or "Monday, Tuesday" (which
/// the framework's converter would read as a combination of flags and store as another day).
/// </summary>
public sealed class NameOnlyEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    private static readonly string[] Names = Enum.GetNames<T>();
    private static readonly string ExpectedText = $"one of {string.Join(", ", Names)}";

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        var name = Names.FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        return name is not null ? Enum.Parse<T>(name) : throw new ExpectedFormException(ExpectedText);
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

public static class JsonSetup
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new WallClockTimeConverter());
        options.Converters.Add(new LocalDateConverter());
        options.Converters.Add(new InstantConverter());
        options.Converters.Add(new MoneyConverter());
        options.Converters.Add(new NameOnlyEnumConverter<DayOfWeek>());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // A number is a JSON number: "8" for weeks is a type error, not a number (the web defaults allow it).
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    /// <summary>The same options, for what the service stores as JSON (replayed idempotent answers).</summary>
    public static readonly JsonSerializerOptions Stored = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}
