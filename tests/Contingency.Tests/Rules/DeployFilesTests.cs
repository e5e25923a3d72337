namespace Contingency.Tests.Rules;

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Contingency.Tests.Support;

/// <summary>
/// The deploy files (deploy/Dockerfile, deploy/compose.yaml, deploy/k8s) against the service they run:
/// what must stay true as either side changes. Nothing here builds the image or runs a cluster.
/// </summary>
public sealed class DeployFilesTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    [Fact]
    public async Task Every_path_the_image_and_the_probes_check_answers_healthy()
    {
        var dockerfile = Read("Dockerfile");
        // HEALTHCHECK ... CMD ["/usr/local/bin/contingency-healthcheck", "8080", "/health/ready"], maybe over two lines.
        var command = JsonSerializer.Deserialize<string[]>(
            Regex.Match(dockerfile, @"^HEALTHCHECK\b(?:[^\n]|\\\n)*?\bCMD\s+(\[[^\n]*\])", RegexOptions.Multiline).Groups[1].Value)!;
        Assert.Contains($"deploy/healthcheck.sh {command[0]}\n", dockerfile);
        var container = Container(Yaml("k8s/deployment.yaml"));
        string[] paths =
        [
            command[^1],
            .. new[] { "startupProbe", "livenessProbe", "readinessProbe" }
                .Select(probe => container.GetProperty(probe).GetProperty("httpGet").GetProperty("path").GetString()!),
        ];

        // Readiness waits for the scheduler, which starts in the background after the host: each path
        // must come to answer Healthy, as a probe retries until it does.
        var client = app.CreateClient();
        foreach (var path in paths)
        {
            HttpResponseMessage? last = null;
            Assert.True(await Eventually.True(async () => (last = await client.GetAsync(path)).StatusCode == HttpStatusCode.OK),
                $"{path} answers {(int?)last?.StatusCode}");
            Assert.Equal("Healthy", await last!.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public void The_image_runs_the_service_on_the_port_compose_and_kubernetes_expect()
    {
        var dockerfile = Read("Dockerfile");
        var entrypoint = JsonSerializer.Deserialize<string[]>(Regex.Match(dockerfile, @"^ENTRYPOINT\s+(\[.*\])$", RegexOptions.Multiline).Groups[1].Value)!;
        Assert.Equal(typeof(Program).Assembly.GetName().Name, Path.GetFileName(Assert.Single(entrypoint)));
        var port = Regex.Match(dockerfile, @"^EXPOSE\s+(\d+)$", RegexOptions.Multiline).Groups[1].Value;

        Assert.Equal(port, Container(Yaml("k8s/deployment.yaml")).GetProperty("ports")[0].GetProperty("containerPort").GetString());
        foreach (var node in ComposeNodes())
            Assert.All(node.GetProperty("ports").EnumerateArray(), p => Assert.EndsWith($":{port}", p.GetString()));
    }

    [Fact]
    public void Compose_migrates_first_then_starts_clustered_nodes_with_one_configuration()
    {
        var services = Yaml("compose.yaml").GetProperty("services");
        var migrate = services.GetProperty("migrate");
        Assert.Equal(new[] { "migrate" }, Strings(migrate.GetProperty("command")));
        var database = Assert.Single(migrate.GetProperty("depends_on").EnumerateObject());
        Assert.Equal("service_healthy", database.Value.GetProperty("condition").GetString());
        Assert.True(services.GetProperty(database.Name).TryGetProperty("healthcheck", out _));

        var nodes = ComposeNodes().ToList();
        Assert.True(nodes.Count >= 2, "a cluster has two nodes or more");
        var configuration = migrate.GetProperty("environment").GetRawText();
        foreach (var node in nodes)
        {
            Assert.Equal("service_completed_successfully", node.GetProperty("depends_on").GetProperty("migrate").GetProperty("condition").GetString());
            // The same provider, database, cluster name and key as the migrate step and every other node.
            Assert.Equal(configuration, node.GetProperty("environment").GetRawText());
            Assert.Equal("true", node.GetProperty("environment").GetProperty("Scheduler__Clustered").GetString());
        }
        var hostPorts = nodes.SelectMany(n => n.GetProperty("ports").EnumerateArray()).Select(p => p.GetString()).ToList();
        Assert.Equal(hostPorts.Count, hostPorts.Distinct().Count());
    }

    [Fact]
    public void Kubernetes_runs_three_clustered_nodes_after_a_job_that_migrates_the_same_database()
    {
        var deployment = Yaml("k8s/deployment.yaml");
        Assert.Equal("3", deployment.GetProperty("spec").GetProperty("replicas").GetString());
        var node = Container(deployment);
        var job = Container(Yaml("k8s/migrate-job.yaml"));
        Assert.Equal(new[] { "migrate" }, Strings(job.GetProperty("args")));
        Assert.Equal(node.GetProperty("image").GetString(), job.GetProperty("image").GetString());
        Assert.Equal("true", Env(node)["Scheduler__Clustered"]);
        // Each pod its own scheduler id, and a provider that can cluster.
        Assert.Equal("field:metadata.name", Env(node)["Scheduler__InstanceId"]);
        Assert.True(Infrastructure.Database.Providers.Single(p => p.Name == Env(node)["Database__Provider"]).SupportsClustering);
        foreach (var name in new[] { "Database__Provider", "ConnectionStrings__Contingency" })
            Assert.Equal(Env(node)[name], Env(job)[name]);

        // The Service and the budget select the nodes, and every manifest but the Secret is applied.
        var podLabels = deployment.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("labels").GetRawText();
        Assert.Equal(podLabels, Yaml("k8s/service.yaml").GetProperty("spec").GetProperty("selector").GetRawText());
        Assert.Equal(podLabels, Yaml("k8s/pdb.yaml").GetProperty("spec").GetProperty("selector").GetProperty("matchLabels").GetRawText());
        var manifests = Directory.GetFiles(Path.Combine(Root, "deploy", "k8s"), "*.yaml").Select(f => Path.GetFileName(f))
            .Where(f => f is not ("kustomization.yaml" or "secret.yaml")).Order();
        Assert.Equal(manifests, Strings(Yaml("k8s/kustomization.yaml").GetProperty("resources")).Order());
        var secretKeys = Yaml("k8s/secret.yaml").GetProperty("stringData").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.All(Env(node).Concat(Env(job)).Where(e => e.Value.StartsWith("secret:", StringComparison.Ordinal)),
            e => Assert.Contains(e.Value["secret:".Length..], secretKeys));
    }

    [Fact]
    public void The_nodes_serve_metrics_on_a_management_port_they_listen_on_and_prometheus_scrapes()
    {
        var deployment = Yaml("k8s/deployment.yaml");
        var node = Container(deployment);
        var port = Env(node)["Telemetry__ManagementPort"];
        Assert.Equal("true", Env(node)["Telemetry__Prometheus"]);
        Assert.Contains(port, Env(node)["ASPNETCORE_HTTP_PORTS"].Split(';'));
        Assert.Contains(node.GetProperty("ports").EnumerateArray(), p => p.GetProperty("name").GetString() == "metrics" && p.GetProperty("containerPort").GetString() == port);
        Assert.Equal(port, deployment.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("annotations").GetProperty("prometheus.io/port").GetString());
        // The Service publishes the API only.
        Assert.DoesNotContain(Yaml("k8s/service.yaml").GetProperty("spec").GetProperty("ports").EnumerateArray(), p => p.GetProperty("targetPort").GetString() == "metrics");

        var scrape = Yaml("observability/prometheus.yml").GetProperty("scrape_configs")[0];
        Assert.Equal("contingency", scrape.GetProperty("job_name").GetString());
        foreach (var compose in ComposeNodes())
        {
            var env = compose.GetProperty("environment");
            Assert.Contains(env.GetProperty("Telemetry__ManagementPort").GetString(), env.GetProperty("ASPNETCORE_HTTP_PORTS").GetString()!.Split(';'));
        }
        var hosts = ComposeNodes().Select(n => n.GetProperty("hostname").GetString()).ToList();
        Assert.Equal(hosts.Select(h => $"{h}:{port}").Order(), Strings(scrape.GetProperty("static_configs")[0].GetProperty("targets")).Order());
    }

    [Fact]
    public void Every_variable_the_deploy_files_set_is_a_setting_the_service_reads()
    {
        var source = string.Join("\n", Directory.GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        var names = ComposeNodes().Append(Yaml("compose.yaml").GetProperty("services").GetProperty("migrate"))
            .SelectMany(s => s.GetProperty("environment").EnumerateObject().Select(p => p.Name))
            .Concat(Env(Container(Yaml("k8s/deployment.yaml"))).Keys)
            .Concat(Env(Container(Yaml("k8s/migrate-job.yaml"))).Keys)
            .Distinct().ToList();
        Assert.Contains("Auth__SigningKey", names);
        foreach (var name in names.Except(HostSettings))
        {
            var key = name.Replace("__", ":", StringComparison.Ordinal);
            var read = key.StartsWith("ConnectionStrings:", StringComparison.Ordinal)
                ? $"GetConnectionString(\"{key["ConnectionStrings:".Length..]}\")"
                : $"\"{key}\"";
            Assert.True(source.Contains(read, StringComparison.Ordinal), $"{name}: nothing under src/ reads {read}");
        }
    }

    /// <summary>Variables the web host reads itself: the addresses Kestrel listens on.</summary>
    private static readonly string[] HostSettings = ["ASPNETCORE_HTTP_PORTS", "ASPNETCORE_URLS"];

    private static readonly string Root = RepositoryFiles.Root;

    private static string Read(string path) => File.ReadAllText(Path.Combine(Root, "deploy", path)).ReplaceLineEndings("\n");

    private static JsonElement Yaml(string path) => RepositoryFiles.Yaml(Path.Combine(Root, "deploy", path));

    private static IEnumerable<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!);

    /// <summary>The compose services that run the service: built from deploy/Dockerfile, not the migrate step.</summary>
    private static IEnumerable<JsonElement> ComposeNodes() =>
        Yaml("compose.yaml").GetProperty("services").EnumerateObject()
            .Where(s => s.Value.TryGetProperty("build", out _) && s.Name != "migrate")
            .Select(s => s.Value);

    private static JsonElement Container(JsonElement workload) =>
        Assert.Single(workload.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers").EnumerateArray());

    /// <summary>A container's variables: a value, <c>secret:KEY</c> for one taken from a Secret, <c>field:PATH</c> for one of the pod's own.</summary>
    private static Dictionary<string, string> Env(JsonElement container) =>
        container.GetProperty("env").EnumerateArray().ToDictionary(
            e => e.GetProperty("name").GetString()!,
            e => e.TryGetProperty("value", out var value) ? value.GetString()!
                : e.GetProperty("valueFrom").TryGetProperty("fieldRef", out var field) ? "field:" + field.GetProperty("fieldPath").GetString()
                : "secret:" + e.GetProperty("valueFrom").GetProperty("secretKeyRef").GetProperty("key").GetString());
}
