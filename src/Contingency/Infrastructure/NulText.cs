namespace Contingency.Infrastructure;

using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

/// <summary>
/// Finds a NUL character in a message's text: its strings, lists of strings, a map's keys and values,
/// and the records it carries. Nothing a person types holds one, and PostgreSQL refuses one in text,
/// which would otherwise end the request as a 500 wherever the value reaches a query. The field is
/// named as the JSON names it (<c>memberRef</c>, <c>rates.currency</c>).
/// </summary>
public static class NulText
{
    private const int MaxDepth = 4;
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public static string? FieldOf(object message) => Find(message, "", 0);

    private static string? Find(object? value, string path, int depth)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                return text.Contains('\0') ? path : null;
            case byte[]:
                return null; // a file (a roster's CSV) is read, and checked, as its rows

            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                {
                    var key = entry.Key?.ToString() ?? "";
                    if (key.Contains('\0')) return path;
                    if (Find(entry.Value, Join(path, key), depth + 1) is { } inValue) return inValue;
                }
                return null;
            case IEnumerable many:
                foreach (var item in many)
                    if (Find(item, path, depth + 1) is { } inItem) return inItem;
                return null;
        }
        var type = value.GetType();
        // The service's own records only: not a byte array, a stream, a framework type.
        if (depth >= MaxDepth || type.Namespace?.StartsWith("Contingency", StringComparison.Ordinal) != true) return null;
        foreach (var property in Properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead).ToArray()))
            if (Find(property.GetValue(value), Join(path, JsonNamingPolicy.CamelCase.ConvertName(property.Name)), depth + 1) is { } found)
                return found;
        return null;
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
