namespace Contingency.Screens;

using System.Net.Http.Headers;
using System.Security.Claims;
using System.Net.Http.Json;
using System.Text.Json;
using Contingency.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;

/// <summary>
/// A refusal as the API answered it: status, <c>code</c>, and what a person should read; for a refusal that
/// lists what stands in the way (a close's open appointments or unpaid payments), their <c>count</c> and ids.
/// </summary>
public sealed record ApiProblem(int Status, string Code, string Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors,
    int? Count = null, IReadOnlyList<string>? Ids = null)
{
    /// <summary>One line for the screen: the detail when the API gave one, else the title; a refusal of the person in plain words.</summary>
    public string Message => Status switch
    {
        401 => "Your sign-in has expired or was not accepted; sign in again.",
        403 => "Your roles do not allow this.",
        _ => Detail is { Length: > 0 } detail ? detail : Title,
    };
}

/// <summary>What a call answered: the value, or the problem.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>
/// The screens' only way to the service's data: its own HTTP API, called as the signed-in person with
/// their token. So every number a screen shows is the API's number, and every role rule the API
/// enforces holds on the screens whatever they show or hide. The client is the named
/// <see cref="ClientName"/> one, addressed at this process (<see cref="SelfAddress"/>).
/// </summary>
public sealed class ScreenApi(IHttpClientFactory clients, AuthenticationStateProvider authentication)
{
    public const string ClientName = "contingency-screens";

    public static readonly JsonSerializerOptions Json = JsonSetup.Stored;

    public Task<ApiResult<T>> Get<T>(string path, CancellationToken ct = default) => Send<T>(HttpMethod.Get, path, null, null, ct);

    public Task<ApiResult<T>> Post<T>(string path, object? body, string? idempotencyKey = null, CancellationToken ct = default) =>
        Send<T>(HttpMethod.Post, path, body is null ? null : JsonContent.Create(body, options: Json), idempotencyKey, ct);

    public Task<ApiResult<T>> Put<T>(string path, object body, CancellationToken ct = default) =>
        Send<T>(HttpMethod.Put, path, JsonContent.Create(body, options: Json), null, ct);

    public Task<ApiResult<T>> Patch<T>(string path, object body, CancellationToken ct = default) =>
        Send<T>(HttpMethod.Patch, path, JsonContent.Create(body, options: Json), null, ct);

    /// <summary>Sends a CSV body (the roster import).</summary>
    public Task<ApiResult<T>> PostCsv<T>(string path, byte[] csv, CancellationToken ct = default)
    {
        var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        return Send<T>(HttpMethod.Post, path, content, null, ct);
    }

    /// <summary>A file as the API serves it (the CSV exports and remittance files), for the download route to pass on as <paramref name="user"/>.</summary>
    public async Task<(HttpResponseMessage? File, ApiProblem? Problem)> GetFile(string path, ClaimsPrincipal user, CancellationToken ct = default)
    {
        using var request = await RequestAsync(HttpMethod.Get, path, null, null, user);
        var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.IsSuccessStatusCode) return (response, null);
        using (response) return (null, await ProblemOf(response, ct));
    }

    private async Task<ApiResult<T>> Send<T>(HttpMethod method, string path, HttpContent? content, string? idempotencyKey, CancellationToken ct)
    {
        using var request = await RequestAsync(method, path, content, idempotencyKey);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, ct);
        }
        catch (HttpRequestException)
        {
            return new(default, new ApiProblem(503, "unavailable", "The service could not be reached.", null, null));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(default, new ApiProblem(504, "timeout", "The service took too long to answer; try again.", null, null));
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) return new(default, await ProblemOf(response, ct));
            try
            {
                return new(await response.Content.ReadFromJsonAsync<T>(Json, ct), null);
            }
            catch (JsonException)
            {
                return new(default, new ApiProblem(502, "unreadable", "The service's answer could not be read.", null, null));
            }
        }
    }

    /// <summary>As the person on the screen: a component's signed-in user, or the one a route names.</summary>
    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string path, HttpContent? content, string? idempotencyKey,
        ClaimsPrincipal? user = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        user ??= (await authentication.GetAuthenticationStateAsync()).User;
        if (user.FindFirst(ScreenAuthentication.TokenClaim)?.Value is { Length: > 0 } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    private static async Task<ApiProblem> ProblemOf(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        try
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = body.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            Dictionary<string, string[]>? errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object
                ? e.EnumerateObject().ToDictionary(p => p.Name,
                    p => p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray().Select(x => x.GetString() ?? "").ToArray() : [p.Value.ToString()])
                : null;
            int? count = root.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
            var ids = ((string[])["appointmentIds", "paymentIds"])
                .Select(name => root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                    : null)
                .FirstOrDefault(list => list is not null);
            return new ApiProblem(status, Text("code") ?? "error", Text("title") ?? response.ReasonPhrase ?? "Refused", Text("detail"), errors, count, ids);
        }
        catch (JsonException)
        {
            return new ApiProblem(status, "error", response.ReasonPhrase ?? "Refused", null, null);
        }
    }
}
