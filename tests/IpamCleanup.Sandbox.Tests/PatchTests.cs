using System.Net;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class PatchTests : IAsyncLifetime
{
    private SandboxServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions());
        _api = new ApiClient(_server);
        _server.Store.Upsert(Objects.Pod("default", "web-0"));
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Merge_patch_on_pods_status_sets_and_clears_annotations_as_the_Calico_CNI_does()
    {
        var path = Objects.PodPath("default", "web-0") + "/status";
        var set = await _api.PatchAsync(path, JsonNode.Parse("""
            {"metadata":{"annotations":{"cni.projectcalico.org/podIP":"10.0.0.5/32","cni.projectcalico.org/podIPs":"10.0.0.5/32","cni.projectcalico.org/containerID":"abc"}}}
            """)!);
        var cleared = await _api.PatchAsync(path, JsonNode.Parse("""
            {"metadata":{"annotations":{"cni.projectcalico.org/podIP":"","cni.projectcalico.org/podIPs":""}}}
            """)!);
        var removed = await _api.PatchAsync(path, JsonNode.Parse("""{"metadata":{"annotations":{"cni.projectcalico.org/containerID":null}}}""")!);

        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal("10.0.0.5/32", set.Object["metadata"]!["annotations"]!["cni.projectcalico.org/podIP"]!.GetValue<string>());
        var annotations = cleared.Object["metadata"]!["annotations"]!;
        Assert.Equal("", annotations["cni.projectcalico.org/podIP"]!.GetValue<string>());
        Assert.Equal("abc", annotations["cni.projectcalico.org/containerID"]!.GetValue<string>());
        Assert.False(removed.Object["metadata"]!["annotations"]!.AsObject().ContainsKey("cni.projectcalico.org/containerID"));
        Assert.Equal("Running", removed.Object["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_status_subresource_cannot_change_spec_and_the_main_resource_cannot_change_status()
    {
        var viaStatus = await _api.PatchAsync(Objects.PodPath("default", "web-0") + "/status",
            JsonNode.Parse("""{"spec":{"nodeName":"elsewhere"},"status":{"podIP":"10.0.0.9"}}""")!);
        var viaMain = await _api.PatchAsync(Objects.PodPath("default", "web-0"),
            JsonNode.Parse("""{"spec":{"nodeName":"moved"},"status":{"podIP":"10.9.9.9"}}""")!);

        Assert.Equal("node-a", viaStatus.Object["spec"]!["nodeName"]!.GetValue<string>());
        Assert.Equal("10.0.0.9", viaStatus.Object["status"]!["podIP"]!.GetValue<string>());
        Assert.Equal("moved", viaMain.Object["spec"]!["nodeName"]!.GetValue<string>());
        Assert.Equal("10.0.0.9", viaMain.Object["status"]!["podIP"]!.GetValue<string>());
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_by_name_and_ignores_directives()
    {
        var reply = await _api.PatchAsync(Objects.PodPath("default", "web-0"), JsonNode.Parse("""
            {"$setElementOrder/containers":[{"name":"app"}],"metadata":{"labels":{"tier":"front"}},
             "spec":{"containers":[{"name":"app","image":"registry.example.com/app:2"}]}}
            """)!, "application/strategic-merge-patch+json");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var container = reply.Object["spec"]!["containers"]![0]!;
        Assert.Equal("registry.example.com/app:2", container["image"]!.GetValue<string>());
        Assert.Equal("app", container["name"]!.GetValue<string>());
        Assert.Equal("front", reply.Object["metadata"]!["labels"]!["tier"]!.GetValue<string>());
        Assert.DoesNotContain(reply.Object, p => p.Key.StartsWith('$'));
    }

    [Fact]
    public async Task Json_patch_applies_operations_in_order_and_a_failed_test_changes_nothing()
    {
        var path = Objects.PodPath("default", "web-0");
        var applied = await _api.PatchAsync(path, JsonNode.Parse("""
            [{"op":"add","path":"/metadata/labels/a~1b","value":"1"},{"op":"replace","path":"/spec/nodeName","value":"node-b"}]
            """)!, "application/json-patch+json");
        var failed = await _api.PatchAsync(path, JsonNode.Parse("""
            [{"op":"test","path":"/spec/nodeName","value":"node-a"},{"op":"remove","path":"/metadata/labels"}]
            """)!, "application/json-patch+json");

        Assert.Equal(HttpStatusCode.OK, applied.Status);
        Assert.Equal("1", applied.Object["metadata"]!["labels"]!["a/b"]!.GetValue<string>());
        Assert.Equal("node-b", applied.Object["spec"]!["nodeName"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.Status);
        Assert.Equal(Objects.Rv(applied.Object), Objects.Rv((await _api.GetAsync(path)).Object));
    }

    [Fact]
    public async Task A_patch_carrying_a_stale_resourceVersion_is_409_Conflict()
    {
        var current = _server.Store.Get("v1", "pods", "default", "web-0")!;
        _server.Store.Upsert(Objects.Pod("default", "web-0"));

        var reply = await _api.PatchAsync(Objects.PodPath("default", "web-0"),
            new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = Objects.Rv(current), ["labels"] = new JsonObject { ["x"] = "y" } } });

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal("Conflict", reply.Reason);
    }

    [Fact]
    public async Task Unknown_patch_types_are_415_and_patching_a_missing_object_is_404()
    {
        var yaml = await _api.PatchAsync(Objects.PodPath("default", "web-0"), JsonNode.Parse("{}")!, "application/apply-patch+yaml");
        var missing = await _api.PatchAsync(Objects.PodPath("default", "nope"), JsonNode.Parse("{}")!);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, yaml.Status);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("pods \"nope\" not found", missing.Object["message"]!.GetValue<string>());
    }
}
