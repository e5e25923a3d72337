namespace Contingency.Tests.Support;

using System.Globalization;
using System.Text;

/// <summary>
/// A strict reader of the Prometheus text exposition format (version 0.0.4), as a scraper reads it:
/// HELP and TYPE lines, samples with escaped label values, each sample in the family its TYPE
/// declared (a histogram's _bucket, _sum and _count included), no series twice, and histograms
/// whose buckets are cumulative and end in +Inf equal to _count. Anything else throws
/// <see cref="FormatException"/> naming the line.
/// </summary>
public static class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed class Family(string name, string type)
    {
        public string Name { get; } = name;
        public string Type { get; } = type;
        public string? Help { get; set; }
        public List<Sample> Samples { get; } = [];
    }

    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static IReadOnlyDictionary<string, Family> Parse(string text)
    {
        var families = new Dictionary<string, Family>();
        var series = new HashSet<string>();
        var closed = new HashSet<string>();
        var helps = new Dictionary<string, string>();
        Family? current = null;
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[1] is "TYPE")
                {
                    var name = MetricName(parts[2], lineNumber);
                    if (parts.Length != 4 || !Types.Contains(parts[3])) throw Bad(lineNumber, $"unknown type in '{line}'");
                    if (families.ContainsKey(name)) throw Bad(lineNumber, $"a second TYPE for {name}");
                    if (current is not null) closed.Add(current.Name);
                    current = families[name] = new Family(name, parts[3]) { Help = helps.GetValueOrDefault(name) };
                }
                else if (parts.Length >= 3 && parts[1] is "HELP")
                {
                    // HELP may come before or after its family's TYPE.
                    var name = MetricName(parts[2], lineNumber);
                    var help = parts.Length == 4 ? parts[3] : "";
                    if (families.TryGetValue(name, out var family)) family.Help = help;
                    else helps[name] = help;
                }
                continue;
            }

            var sample = ParseSample(line, lineNumber);
            var owner = FamilyOf(sample.Name, families) ?? throw Bad(lineNumber, $"{sample.Name} has no TYPE before it");
            if (owner != current || closed.Contains(owner.Name)) throw Bad(lineNumber, $"{sample.Name} is apart from the rest of {owner.Name}");
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
            if (!series.Add(key)) throw Bad(lineNumber, $"the series {key} twice");
            owner.Samples.Add(sample);
        }
        foreach (var family in families.Values.Where(f => f.Type == "histogram")) CheckHistogram(family);
        return families;
    }

    private static Family? FamilyOf(string sample, Dictionary<string, Family> families)
    {
        if (families.TryGetValue(sample, out var exact) && exact.Type is not "histogram") return exact;
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
            if (sample.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(sample[..^suffix.Length], out var family)
                && (family.Type == "histogram" || (family.Type == "summary" && suffix != "_bucket")))
                return family;
        return null;
    }

    private static void CheckHistogram(Family family)
    {
        var byLabels = family.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => $"{l.Key}={l.Value}")));
        foreach (var group in byLabels)
        {
            var buckets = group.Where(s => s.Name == family.Name + "_bucket")
                .Select(s => (Le: s.Labels.TryGetValue("le", out var le) ? ParseValue(le) : throw new FormatException($"{family.Name}: a bucket without le"), s.Value))
                .ToList();
            var count = group.SingleOrDefault(s => s.Name == family.Name + "_count") ?? throw new FormatException($"{family.Name}{{{group.Key}}}: no _count");
            _ = group.SingleOrDefault(s => s.Name == family.Name + "_sum") ?? throw new FormatException($"{family.Name}{{{group.Key}}}: no _sum");
            if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Le)) throw new FormatException($"{family.Name}{{{group.Key}}}: no +Inf bucket last");
            for (var i = 1; i < buckets.Count; i++)
                if (buckets[i].Le <= buckets[i - 1].Le || buckets[i].Value < buckets[i - 1].Value)
                    throw new FormatException($"{family.Name}{{{group.Key}}}: buckets not cumulative in order of le");
            if (buckets[^1].Value != count.Value) throw new FormatException($"{family.Name}{{{group.Key}}}: +Inf bucket {buckets[^1].Value} is not _count {count.Value}");
        }
    }

    private static Sample ParseSample(string line, int lineNumber)
    {
        var at = 0;
        var name = ReadName(line, ref at, metric: true) ?? throw Bad(lineNumber, "a sample without a metric name");
        var labels = new Dictionary<string, string>();
        if (at < line.Length && line[at] == '{')
        {
            at++;
            while (at < line.Length && line[at] != '}')
            {
                var label = ReadName(line, ref at, metric: false) ?? throw Bad(lineNumber, "a label without a name");
                if (at + 1 >= line.Length || line[at] != '=' || line[at + 1] != '"') throw Bad(lineNumber, $"label {label} has no quoted value");
                at += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (at >= line.Length) throw Bad(lineNumber, $"label {label}'s value is not closed");
                    var c = line[at++];
                    if (c == '"') break;
                    if (c == '\\')
                    {
                        if (at >= line.Length) throw Bad(lineNumber, "an escape at the end of the line");
                        value.Append(line[at++] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw Bad(lineNumber, $"unknown escape \\{other}"),
                        });
                    }
                    else value.Append(c);
                }
                if (!labels.TryAdd(label, value.ToString())) throw Bad(lineNumber, $"label {label} twice");
                if (at < line.Length && line[at] == ',') at++;
            }
            if (at >= line.Length) throw Bad(lineNumber, "labels not closed");
            at++;
        }
        if (at >= line.Length || line[at] != ' ') throw Bad(lineNumber, "no space before the value");
        var rest = line[(at + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2) throw Bad(lineNumber, "more than a value and a time stamp");
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw Bad(lineNumber, $"'{rest[1]}' is not a time stamp");
        try
        {
            return new Sample(name, labels, ParseValue(rest[0]));
        }
        catch (FormatException)
        {
            throw Bad(lineNumber, $"'{rest[0]}' is not a value");
        }
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string? ReadName(string line, ref int at, bool metric)
    {
        var start = at;
        while (at < line.Length && (char.IsAsciiLetter(line[at]) || line[at] == '_' || (metric && line[at] == ':') || (at > start && char.IsAsciiDigit(line[at]))))
            at++;
        return at > start ? line[start..at] : null;
    }

    private static string MetricName(string text, int lineNumber)
    {
        var at = 0;
        return ReadName(text, ref at, metric: true) is { } name && at == text.Length ? name : throw Bad(lineNumber, $"'{text}' is not a metric name");
    }

    private static FormatException Bad(int line, string what) => new($"line {line}: {what}");
}
