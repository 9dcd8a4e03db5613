using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Snapshot;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Kubernetes.Tests;

public sealed class ExportTests
{
    [Theory]
    [InlineData(ApiLayout.V1)]
    [InlineData(ApiLayout.V3)]
    public async Task Exported_list_loads_into_the_same_snapshot(ApiLayout layout)
    {
        await using var cluster = await TestCluster.StartAsync(layout);
        using var client = await cluster.ConnectAsync(o => o.PageSize = 4);
        var path = Path.Combine(cluster.Directory, "cluster.json");

        var summary = await client.ExportSnapshotAsync(path);
        var live = await client.ReadSnapshotAsync();
        var loaded = SnapshotFile.Load(path);

        Assert.Equal(live.ApiLayout, loaded.ApiLayout);
        Assert.Equal(live.Pods.Count, loaded.Pods.Count);
        Assert.Equal(live.Nodes.Count, loaded.Nodes.Count);
        Assert.Equal(live.Services.Count, loaded.Services.Count);
        Assert.Equal(live.Blocks.Count, loaded.Blocks.Count);
        Assert.Equal(live.Handles.Count, loaded.Handles.Count);
        Assert.Equal(live.Affinities.Count, loaded.Affinities.Count);
        Assert.Equal(live.Pools.Count, loaded.Pools.Count);
        Assert.Equal(live.ClusterInformation?.ClusterGuid, loaded.ClusterInformation?.ClusterGuid);
        Assert.Equal(live.Settings, loaded.Settings);
        Assert.Equal(summary.ItemsPerResource["pods"], live.Pods.Count);
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public async Task Exported_items_are_the_api_objects_with_apiVersion_and_kind_added()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync(o => o.PageSize = 3);
        var path = Path.Combine(cluster.Directory, "cluster.json");

        await client.ExportSnapshotAsync(path);

        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        Assert.Equal("List", document.RootElement.GetProperty("kind").GetString());
        var items = document.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, item =>
        {
            Assert.False(string.IsNullOrEmpty(item.GetProperty("apiVersion").GetString()));
            Assert.False(string.IsNullOrEmpty(item.GetProperty("kind").GetString()));
        });
        var pod = cluster.Server.Store.List("v1", "pods")[0];
        var exported = items.Single(i => i.GetProperty("kind").GetString() == "Pod" &&
                                         i.GetProperty("metadata").GetProperty("uid").GetString() == pod["metadata"]!["uid"]!.GetValue<string>());
        var exportedNode = JsonNode.Parse(exported.GetRawText())!.AsObject();
        pod["apiVersion"] ??= "v1";
        pod["kind"] ??= "Pod";
        Assert.True(JsonNode.DeepEquals(pod, exportedNode), $"store: {pod}\nfile:  {exportedNode}");
        Assert.Equal(items.Count, items.Select(i => i.GetProperty("metadata").GetProperty("uid").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Export_after_an_expired_continue_token_has_no_duplicates()
    {
        await using var cluster = await TestCluster.StartAsync();
        var store = cluster.Server.Store;
        var pages = 0;
        cluster.OnLog = line =>
        {
            if (line.StartsWith("GET /api/v1/pods?limit=2", StringComparison.Ordinal) && line.Contains(" 200 ", StringComparison.Ordinal) && ++pages == 2)
            {
                store.ExpireContinueTokens();
                var node = store.List("v1", "nodes")[0];
                node["metadata"]!.AsObject()["labels"] = new JsonObject { ["bumped"] = "yes" };
                store.Upsert(node);
            }
        };
        using var client = await cluster.ConnectAsync(o => o.PageSize = 2);
        var path = Path.Combine(cluster.Directory, "cluster.json");

        var summary = await client.ExportSnapshotAsync(path);

        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        var podUids = document.RootElement.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("kind").GetString() == "Pod")
            .Select(i => i.GetProperty("metadata").GetProperty("uid").GetString())
            .ToList();
        Assert.Contains(cluster.Log, line => line.Contains(" 410 ", StringComparison.Ordinal));
        Assert.Equal(store.Count("v1", "pods"), podUids.Count);
        Assert.Equal(podUids.Count, podUids.Distinct().Count());
        Assert.Equal(podUids.Count, summary.ItemsPerResource["pods"]);
    }
}
