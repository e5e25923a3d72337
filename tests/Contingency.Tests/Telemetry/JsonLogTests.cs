namespace Contingency.Tests.Telemetry;

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;

/// <summary>
/// The console as a log collector reads it, from the service run as its own process with
/// <c>Logging:Console:FormatterName=json</c>: one JSON object per line, the trace and span ids of the
/// request on each line written for it, and still no member reference.
/// </summary>
public sealed class JsonLogTests
{
    private const string Key = "contingency-json-log-signing-key-0123456789";

    [Fact]
    public async Task Json_lines_carry_the_request_trace_and_span_ids_and_no_member_data()
    {
        var workDir = Directory.CreateTempSubdirectory("contingency-json-log").FullName;
        var databasePath = Path.Combine(workDir, "contingency.db");
        await using var service = ServiceProcess.Start(workDir, new Dictionary<string, string>
        {
            ["Database__Provider"] = TestDatabase.Provider,
            ["ConnectionStrings__Contingency"] = TestDatabase.ConnectionString(databasePath),
            ["Database__MigrateOnStart"] = "true",
            ["Auth__SigningKey"] = Key,
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__LogLevel__Default"] = "Information",
        });
        await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        var http = service.Client(Tokens.Create(Encoding.UTF8.GetBytes(Key), Authentication.DefaultIssuer, Authentication.DefaultAudience,
            "json-log-test", [Roles.Admin], null, DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        var api = new Api(http);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var monday = today.AddDays(((int)DayOfWeek.Monday - (int)today.DayOfWeek + 7) % 7 + 7);
        var program = await api.CreateProgram(Api.ProgramBody(startsOn: monday.ToString("yyyy-MM-dd")));
        var provider = await api.Enroll();
        await api.Commit(program.Id(), Api.CommitmentBody(provider.Id(), startsOn: monday.ToString("yyyy-MM-dd")));

        // The caller's own trace: the service's spans and log lines join it.
        var trace = ActivityTraceId.CreateRandom();
        using var book = new HttpRequestMessage(HttpMethod.Post, "/api/appointments")
        {
            Content = System.Net.Http.Json.JsonContent.Create(Api.BookingBody(provider.Id(), $"{monday:yyyy-MM-dd}T09:00:00-08:00", memberRef: "M-JSONLOG-77")),
        };
        book.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        // Sent by a client that writes no trace headers of its own, with instrumentation suppressed: in this test
        // process another test's OpenTelemetry may be listening to HttpClient, and would replace the header.
        using var plain = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator() })
        {
            BaseAddress = service.Address,
        };
        plain.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
        using (OpenTelemetry.SuppressInstrumentationScope.Begin())
            Assert.Equal(HttpStatusCode.Created, (await plain.SendAsync(book)).StatusCode);

        // A member reference in a query string, at Information: no line repeats it.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/appointments?memberRef=M-JSONLOG-77")).StatusCode);

        JsonElement booked = default;
        Assert.True(await Eventually.True(() => Task.FromResult(Lines(service).Any(l =>
        {
            var found = l.GetProperty("Category").GetString() == "Contingency.Features.Booking.BookHandler";
            if (found) booked = l;
            return found;
        }))), service.Output);
        var ids = booked.GetProperty("Scopes").EnumerateArray().First(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out _));
        Assert.Equal(trace.ToHexString(), ids.GetProperty("TraceId").GetString());
        Assert.Matches("^[0-9a-f]{16}$", ids.GetProperty("SpanId").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", booked.GetProperty("Timestamp").GetString());
        Assert.Equal("Information", booked.GetProperty("LogLevel").GetString());

        Assert.All(Lines(service), line => Assert.True(line.TryGetProperty("LogLevel", out _), line.GetRawText()));
        var output = service.Output;
        Assert.DoesNotContain("M-JSONLOG-77", output);
        Assert.DoesNotContain(Key, output);
    }

    [Fact]
    public async Task A_management_port_that_is_the_only_port_stops_the_service_with_exit_code_2()
    {
        var workDir = Directory.CreateTempSubdirectory("contingency-management-port").FullName;
        var port = ServiceProcess.FreePort();
        var (exit, output, _) = await ServiceProcess.RunAsync(workDir, new Dictionary<string, string>
        {
            ["Database__Provider"] = TestDatabase.Provider,
            ["ConnectionStrings__Contingency"] = TestDatabase.ConnectionString(Path.Combine(workDir, "contingency.db")),
            ["Database__MigrateOnStart"] = "true",
            ["Auth__SigningKey"] = Key,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Telemetry__Prometheus"] = "true",
            ["Telemetry__ManagementPort"] = $"{port}",
        });

        Assert.Equal(2, exit);
        Assert.Contains($"Telemetry:ManagementPort is {port}, the only port the service listens on", output);
    }

    /// <summary>Every line the process wrote to stdout, each of which must be one JSON object.</summary>
    private static List<JsonElement> Lines(RunningService service) =>
        service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line =>
            {
                try
                {
                    return JsonDocument.Parse(line).RootElement;
                }
                catch (JsonException e)
                {
                    throw new Xunit.Sdk.XunitException($"Not a JSON line ({e.Message}): {line}");
                }
            })
            .ToList();
}
