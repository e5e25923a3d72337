namespace Contingency.Infrastructure;

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>Local times travel as `HH:mm`, as the contract writes them.</summary>
public sealed class WallClockTimeConverter : JsonConverter<TimeOnly>
{
    private static readonly string[] Formats = ["HH:mm", "H:mm", "HH:mm:ss"];

    public override TimeOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (text is not null && TimeOnly.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return time;
        throw new JsonException("Expected a local time as HH:mm.");
    }

    public override void Write(Utf8JsonWriter writer, TimeOnly value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("HH:mm", CultureInfo.InvariantCulture));
}

public static class JsonSetup
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new WallClockTimeConverter());
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }
}
