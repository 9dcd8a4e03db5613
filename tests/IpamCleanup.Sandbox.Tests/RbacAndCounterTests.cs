using System.Net;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class RbacAndCounterTests : IAsyncLifetime
{
    private SandboxServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions());
        _api = new ApiClient(_server);
        _server.Store.Upsert(Objects.Block("10.0.0.0/30"));
        _server.Store.Upsert(Objects.Pod("default", "web-0"));
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Anything_outside_the_allow_list_is_403_Forbidden_worded_like_the_API_server()
    {
        _server.Rbac = new RbacPolicy(["list ipamblocks", "get pods"]);

        var list = await _api.GetAsync(Objects.Blocks);
        var get = await _api.GetAsync(Objects.BlockPath("10.0.0.0/30"));
        var podList = await _api.GetAsync("/api/v1/namespaces/default/pods");
        var podGet = await _api.GetAsync(Objects.PodPath("default", "web-0"));
        var statusPatch = await _api.PatchAsync(Objects.PodPath("default", "web-0") + "/status", JsonNode.Parse("{}")!);

        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(HttpStatusCode.Forbidden, get.Status);
        Assert.Equal("Forbidden", get.Reason);
        Assert.Equal(
            "ipamblocks.crd.projectcalico.org \"10-0-0-0-30\" is forbidden: User \"sandbox\" cannot get resource \"ipamblocks\" in API group \"crd.projectcalico.org\" at the cluster scope",
            get.Object["message"]!.GetValue<string>());
        Assert.Equal(
            "pods is forbidden: User \"sandbox\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"",
            podList.Object["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, podGet.Status);
        Assert.Contains("cannot patch resource \"pods/status\"", statusPatch.Object["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cluster_wide_list_is_forbidden_at_the_cluster_scope()
    {
        _server.Rbac = new RbacPolicy([]);

        var reply = await _api.GetAsync(Objects.Blocks);

        Assert.Equal(
            "ipamblocks.crd.projectcalico.org is forbidden: User \"sandbox\" cannot list resource \"ipamblocks\" in API group \"crd.projectcalico.org\" at the cluster scope",
            reply.Object["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rules_may_name_the_group_or_use_wildcards_and_null_allows_everything()
    {
        _server.Rbac = RbacPolicy.Parse("get ipamblocks.crd.projectcalico.org, * pods");
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync(Objects.BlockPath("10.0.0.0/30"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.DeleteAsync(Objects.PodPath("default", "web-0"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.GetAsync(Objects.Handles)).Status);

        _server.Rbac = null;
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync(Objects.Handles)).Status);
    }

    [Fact]
    public async Task The_write_counter_counts_applied_writes_by_verb_and_resource_and_never_reads()
    {
        var block = (await _api.GetAsync(Objects.BlockPath("10.0.0.0/30"))).Object;
        await _api.GetAsync(Objects.Blocks);
        block["spec"]!["sequenceNumber"] = 7;
        await _api.PutAsync(Objects.BlockPath("10.0.0.0/30"), block);
        var stale = await _api.PutAsync(Objects.BlockPath("10.0.0.0/30"), block);
        await _api.PatchAsync(Objects.PodPath("default", "web-0") + "/status", JsonNode.Parse("""{"metadata":{"annotations":{"a":"b"}}}""")!);
        await _api.PostAsync(Objects.Handles, Objects.Handle("h", "10.0.0.0/30"));
        await _api.DeleteAsync(Objects.Handles + "/h");
        await _api.DeleteAsync(Objects.Handles + "/h");

        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal(1, _server.Writes.Count("update", "ipamblocks"));
        Assert.Equal(2, _server.Writes.AttemptedCount("update", "ipamblocks"));
        Assert.Equal(1, _server.Writes.Count("patch", "pods/status"));
        Assert.Equal(1, _server.Writes.Count("create", "ipamhandles"));
        Assert.Equal(1, _server.Writes.Count("delete", "ipamhandles"));
        Assert.Equal(2, _server.Writes.AttemptedCount("delete", "ipamhandles"));
        Assert.Equal(4, _server.Writes.Total);
        Assert.Equal(6, _server.Writes.AttemptedTotal);
        Assert.Equal(0, _server.Writes.Count("get", "ipamblocks"));
        Assert.Equal(8, _server.Writes.Requests);
        Assert.Equal(
            ["create ipamhandles", "delete ipamhandles", "patch pods/status", "update ipamblocks"],
            _server.Writes.Snapshot().Keys);

        _server.Writes.Reset();
        Assert.Equal(0, _server.Writes.Total);
        Assert.Empty(_server.Writes.Snapshot());
    }

    [Fact]
    public async Task Writes_through_the_store_back_door_are_not_counted()
    {
        _server.Store.Upsert(Objects.Block("10.0.0.4/30"));
        _server.Store.Delete(Objects.Calico, "ipamblocks", null, "10-0-0-4-30");
        await _api.GetAsync(Objects.Blocks);

        Assert.Equal(0, _server.Writes.Total);
        Assert.Equal(0, _server.Writes.AttemptedTotal);
    }

    [Fact]
    public async Task Forbidden_writes_are_attempted_but_not_applied()
    {
        _server.Rbac = new RbacPolicy(["get ipamblocks"]);
        var block = (await _api.GetAsync(Objects.BlockPath("10.0.0.0/30"))).Object;
        block["spec"]!["sequenceNumber"] = 5;

        var reply = await _api.PutAsync(Objects.BlockPath("10.0.0.0/30"), block);

        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
        Assert.Equal(0, _server.Writes.Total);
        Assert.Equal(1, _server.Writes.AttemptedTotal);
    }
}
