namespace Contingency.Tests.Support;

using System.Text.Json;
using YamlDotNet.Serialization;

/// <summary>The repository's own files (deploy/, README.md, ...), as the tests that hold them to the service read them.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding Contingency.sln, above the test's output folder.</summary>
    public static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Contingency.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (Contingency.sln) is not above the test's folder.");
    }

    /// <summary>A YAML file as JSON: anchors resolved, every scalar a string.</summary>
    public static JsonElement Yaml(string path)
    {
        var value = new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(path).ReplaceLineEndings("\n"));
        return JsonDocument.Parse(new SerializerBuilder().JsonCompatible().DisableAliases().Build().Serialize(value!)).RootElement;
    }
}
