using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class AdminEndpointTests : IAsyncLifetime
{
    private SandboxServer _server = null!;
    private ApiClient _api = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions());
        _api = new ApiClient(_server);
        _admin = new HttpClient { BaseAddress = _server.BaseUri };
        _server.Store.Upsert(Objects.Block("10.0.0.0/30"));
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Stats_report_writes_by_verb_and_resource_and_can_be_reset()
    {
        await _api.PatchAsync(Objects.BlockPath("10.0.0.0/30"), JsonNode.Parse("""{"metadata":{"labels":{"a":"1"}}}""")!);
        await _api.GetAsync(Objects.Blocks);

        var stats = await GetAsync("/sandbox/stats");
        await PostAsync("/sandbox/reset-stats", "");
        var reset = await GetAsync("/sandbox/stats");

        Assert.Equal(1, stats["writes"]!["patch ipamblocks"]!.GetValue<long>());
        Assert.Equal(1, stats["totalWrites"]!.GetValue<long>());
        Assert.Equal(2, stats["requests"]!.GetValue<long>());
        Assert.Equal(0, reset["totalWrites"]!.GetValue<long>());
        Assert.Empty(reset["writes"]!.AsObject());
    }

    [Fact]
    public async Task Faults_are_set_by_json_and_an_empty_object_clears_them()
    {
        var set = await PostAsync("/sandbox/faults", """{"tooManyRequestsRate":1,"retryAfterSeconds":2,"seed":5}""");
        var faulted = await _api.GetAsync(Objects.Blocks);
        await PostAsync("/sandbox/faults", "{}");
        var healthy = await _api.GetAsync(Objects.Blocks);

        Assert.Equal(1, set["tooManyRequestsRate"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.TooManyRequests, faulted.Status);
        Assert.Equal(HttpStatusCode.OK, healthy.Status);
        Assert.True(_server.Faults.IsEmpty);
    }

    [Fact]
    public async Task Rbac_is_set_by_json_and_null_allows_everything_again()
    {
        await PostAsync("/sandbox/rbac", """{"allow":["list pods"]}""");
        var denied = await _api.GetAsync(Objects.Blocks);
        await PostAsync("/sandbox/rbac", """{"allow":null}""");
        var allowed = await _api.GetAsync(Objects.Blocks);

        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Null(_server.Rbac);
    }

    [Fact]
    public async Task Rbac_also_takes_a_single_string_of_rules()
    {
        var reply = await PostAsync("/sandbox/rbac", """{"allow":"list ipamblocks, get pods"}""");

        Assert.Equal(["get pods", "list ipamblocks"], reply["allow"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync(Objects.Blocks)).Status);
    }

    [Fact]
    public async Task Admin_calls_ignore_the_token_rbac_and_faults_and_are_not_counted()
    {
        _server.Rbac = new RbacPolicy([]);
        _server.Faults.CopyFrom(FaultSettings.Parse("serverErrorRate=1,dropRate=1"));
        using var wrongToken = new HttpClient { BaseAddress = _server.BaseUri };
        wrongToken.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "wrong");

        using var dump = await wrongToken.GetAsync(new Uri("/sandbox/dump", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, dump.StatusCode);
        Assert.Single(JsonNode.Parse(await dump.Content.ReadAsStringAsync())!["items"]!.AsArray());
        Assert.Equal(0, _server.Writes.Requests);
    }

    [Fact]
    public async Task Clear_and_expire_continue_act_on_the_store()
    {
        var page = await _api.GetAsync(Objects.Blocks + "?limit=1");
        _server.Store.Upsert(Objects.Block("10.0.0.4/30"));
        page = await _api.GetAsync(Objects.Blocks + "?limit=1");
        await PostAsync("/sandbox/expire-continue", "");
        var expired = await _api.GetAsync(Objects.Blocks + "?limit=1&continue=" + Uri.EscapeDataString(page.Body!["metadata"]!["continue"]!.GetValue<string>()));
        await PostAsync("/sandbox/clear", "");

        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Empty((await _api.GetAsync(Objects.Blocks)).Items);
    }

    [Fact]
    public async Task Unknown_admin_paths_are_404()
    {
        using var reply = await _admin.GetAsync(new Uri("/sandbox/nothing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, reply.StatusCode);
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        using var reply = await _admin.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        return JsonNode.Parse(await reply.Content.ReadAsStringAsync())!;
    }

    private async Task<JsonNode> PostAsync(string path, string body)
    {
        using var reply = await _admin.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        return JsonNode.Parse(await reply.Content.ReadAsStringAsync())!;
    }
}
