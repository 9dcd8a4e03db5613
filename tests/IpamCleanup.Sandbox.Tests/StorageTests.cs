using System.Net;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class StorageTests : IAsyncLifetime
{
    private static readonly string[] ServerFields = ["uid", "resourceVersion", "creationTimestamp", "generation"];
    private SandboxServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions());
        _api = new ApiClient(_server);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Unknown_fields_and_annotations_survive_create_get_update_and_list()
    {
        var block = Objects.Block("10.0.0.0/30");
        block["metadata"]!["annotations"] = new JsonObject
        {
            ["projectcalico.org/metadata"] = """{"uid":"x","creationTimestamp":null}""",
            ["note"] = "ünïcødé <&> \"quoted\"",
        };
        block["metadata"]!["finalizers"] = new JsonArray("example.com/keep");
        block["spec"]!["futureField"] = new JsonObject { ["nested"] = new JsonArray(1, 2.5, true, null, "s"), ["big"] = 18446744073709551615UL };
        block["topLevelExtra"] = "kept";

        var created = (await _api.PostAsync(Objects.Blocks, block)).Object;
        var fetched = (await _api.GetAsync(Objects.BlockPath("10.0.0.0/30"))).Object;
        fetched["spec"]!["sequenceNumber"] = 2;
        var updated = (await _api.PutAsync(Objects.BlockPath("10.0.0.0/30"), fetched)).Object;
        var listed = (await _api.GetAsync(Objects.Blocks)).Items[0]!.AsObject();

        block["spec"]!["sequenceNumber"] = 2;
        Assert.True(JsonNode.DeepEquals(block, WithoutServerFields(updated)), updated.ToJsonString());
        Assert.True(JsonNode.DeepEquals(updated, listed));
        Assert.Equal(Objects.Uid(created), Objects.Uid(updated));
    }

    [Fact]
    public void Stored_bytes_are_kept_as_written_apart_from_server_metadata()
    {
        var body = """{"kind":"IPAMHandle","apiVersion":"crd.projectcalico.org/v1","metadata":{"name":"h"} , "spec":{"handleID":"h","block":{"10.0.0.0/30":1},"deleted":false,"z":1e3}}"""u8.ToArray();

        _server.Store.Seed([body]);
        var text = _server.Store.GetJsonText(Objects.Calico, "ipamhandles", null, "h")!;

        Assert.StartsWith("""{"kind":"IPAMHandle","apiVersion":"crd.projectcalico.org/v1","metadata":{"uid":""", text);
        Assert.EndsWith("""} , "spec":{"handleID":"h","block":{"10.0.0.0/30":1},"deleted":false,"z":1e3}}""", text);
    }

    [Fact]
    public async Task Seeding_a_kubectl_list_and_dumping_it_round_trips()
    {
        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = "" },
            ["items"] = new JsonArray(
                Seeded(Objects.Block("10.0.0.0/30"), "11111111-1111-4111-8111-111111111111", "2024-05-01T10:00:00Z"),
                Objects.Handle("k8s-pod-network.abc", "10.0.0.0/30"),
                Seeded(Objects.Pod("default", "web-0"), "22222222-2222-4222-8222-222222222222", "2024-05-01T11:00:00Z")),
        };

        _server.Store.SeedFromList(list.ToJsonString());
        var dump = JsonNode.Parse(_server.Store.DumpList())!.AsObject();
        using var http = await _api.Http.GetAsync(new Uri("/sandbox/dump", UriKind.Relative));
        var dumpOverHttp = JsonNode.Parse(await http.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal("List", dump["kind"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(dump, dumpOverHttp));
        var items = dump["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        Assert.Equal(3, items.Count);
        var block = items.Single(i => i["kind"]!.GetValue<string>() == "IPAMBlock");
        Assert.Equal("11111111-1111-4111-8111-111111111111", Objects.Uid(block));
        Assert.Equal("2024-05-01T10:00:00Z", block["metadata"]!["creationTimestamp"]!.GetValue<string>());
        var handle = items.Single(i => i["kind"]!.GetValue<string>() == "IPAMHandle");
        Assert.True(Guid.TryParse(Objects.Uid(handle), out _));
        foreach (var original in list["items"]!.AsArray().Select(i => i!.AsObject()))
        {
            var name = original["metadata"]!["name"]!.GetValue<string>();
            var match = items.Single(i => i["metadata"]!["name"]!.GetValue<string>() == name);
            Assert.True(JsonNode.DeepEquals(WithoutServerFields(original), WithoutServerFields(match)));
        }

        var reseeded = new SandboxStore();
        reseeded.SeedFromList(dump.ToJsonString());
        Assert.True(JsonNode.DeepEquals(WithoutResourceVersions(dump), WithoutResourceVersions(JsonNode.Parse(reseeded.DumpList())!.AsObject())));
    }

    [Fact]
    public void A_seeded_object_gets_a_fresh_resourceVersion_even_if_it_carries_one()
    {
        var pod = Objects.Pod("default", "web-0");
        pod["metadata"]!["resourceVersion"] = "999999";
        var store = new SandboxStore();

        store.SeedFromList(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray(pod) }.ToJsonString());

        Assert.Equal("1", Objects.Rv(store.Get("v1", "pods", "default", "web-0")!));
    }

    [Fact]
    public void A_typed_list_names_the_kind_of_its_items()
    {
        var store = new SandboxStore();
        var pod = Objects.Pod("default", "web-0");
        pod.Remove("apiVersion");
        pod.Remove("kind");

        store.SeedFromList(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "PodList", ["items"] = new JsonArray(pod) }.ToJsonString());

        Assert.Equal("Pod", store.Get("v1", "pods", "default", "web-0")!["kind"]!.GetValue<string>());
    }

    [Fact]
    public void Seeding_a_kind_the_layout_does_not_serve_fails_loudly()
    {
        var store = new SandboxStore(ApiLayout.V3);

        var error = Assert.Throws<ArgumentException>(() => store.Seed([System.Text.Encoding.UTF8.GetBytes(Objects.Block("10.0.0.0/30").ToJsonString())]));

        Assert.Contains("IPAMBlock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_seed_endpoint_adds_and_replaces_objects()
    {
        _server.Store.Upsert(Objects.Block("10.0.0.0/30"));
        var replacement = Objects.Block("10.0.0.0/30", node: "node-z");
        var body = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray(replacement, Objects.Block("10.0.0.4/30")) };

        using var reply = await _api.Http.PostAsync(new Uri("/sandbox/seed", UriKind.Relative), new StringContent(body.ToJsonString()));

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal("host:node-z", _server.Store.Get(Objects.Calico, "ipamblocks", null, "10-0-0-0-30")!["spec"]!["affinity"]!.GetValue<string>());
        Assert.Equal(2, _server.Store.Count(Objects.Calico, "ipamblocks"));
    }

    private static JsonObject Seeded(JsonObject obj, string uid, string created)
    {
        obj["metadata"]!["uid"] = uid;
        obj["metadata"]!["creationTimestamp"] = created;
        return obj;
    }

    private static JsonObject WithoutServerFields(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        foreach (var field in ServerFields)
        {
            copy["metadata"]!.AsObject().Remove(field);
        }

        return copy;
    }

    private static JsonObject WithoutResourceVersions(JsonObject list)
    {
        var copy = list.DeepClone().AsObject();
        foreach (var item in copy["items"]!.AsArray())
        {
            item!["metadata"]!.AsObject().Remove("resourceVersion");
        }

        return copy;
    }
}
