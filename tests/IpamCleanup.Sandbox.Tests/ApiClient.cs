using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

/// <summary>A plain HttpClient speaking to a sandbox, returning status codes and parsed JSON.</summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiClient(SandboxServer server, string? token = null)
    {
        _http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? server.Token);
    }

    public HttpClient Http => _http;

    public Task<Reply> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null, null);

    public Task<Reply> PostAsync(string path, JsonNode body) => SendAsync(HttpMethod.Post, path, body.ToJsonString(), "application/json");

    public Task<Reply> PutAsync(string path, JsonNode body) => SendAsync(HttpMethod.Put, path, body.ToJsonString(), "application/json");

    public Task<Reply> PatchAsync(string path, JsonNode body, string contentType = "application/merge-patch+json") =>
        SendAsync(HttpMethod.Patch, path, body.ToJsonString(), contentType);

    public Task<Reply> DeleteAsync(string path, JsonNode? options = null) =>
        SendAsync(HttpMethod.Delete, path, options?.ToJsonString(), options is null ? null : "application/json");

    public async Task<Reply> SendAsync(HttpMethod method, string path, string? body, string? contentType)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        return new Reply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), retryAfter);
    }

    public void Dispose() => _http.Dispose();

    public sealed record Reply(HttpStatusCode Status, JsonNode? Body, TimeSpan? RetryAfter)
    {
        public JsonObject Object => Body as JsonObject ?? throw new InvalidOperationException("The reply has no JSON object body.");

        public string? Reason => Body?["reason"]?.GetValue<string>();

        public string? ResourceVersion => Body?["metadata"]?["resourceVersion"]?.GetValue<string>();

        public JsonArray Items => Body?["items"] as JsonArray ?? throw new InvalidOperationException("The reply is not a list.");
    }
}
