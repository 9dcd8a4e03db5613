using System.Text.Json.Nodes;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Kubernetes.Tests;

public sealed class SnapshotTests
{
    [Theory]
    [InlineData(ApiLayout.V1, CalicoApiLayout.Classic, "crd.projectcalico.org/v1", "ipamconfigs")]
    [InlineData(ApiLayout.V3, CalicoApiLayout.NativeV3, "projectcalico.org/v3", "ipamconfigurations")]
    [InlineData(ApiLayout.Both, CalicoApiLayout.ClassicWithApiServer, "crd.projectcalico.org/v1", "ipamconfigs")]
    public async Task Layout_is_detected_and_the_snapshot_holds_every_object_of_the_store(ApiLayout layout, CalicoApiLayout expected, string ipamApiVersion, string ipamConfigPlural)
    {
        await using var cluster = await TestCluster.StartAsync(layout);
        var store = cluster.Server.Store;
        using var client = await cluster.ConnectAsync();

        var snapshot = await client.ReadSnapshotAsync();

        Assert.Equal(expected, client.ApiLayout);
        Assert.Equal(ipamApiVersion, client.Resources.ApiVersion);
        Assert.Equal(ipamConfigPlural, client.Resources[CalicoKind.IpamConfig].Plural);
        Assert.Equal(ipamApiVersion, snapshot.ApiLayout);
        Assert.Equal(store.Count("v1", "pods"), snapshot.Pods.Count);
        Assert.Equal(store.Count("v1", "nodes"), snapshot.Nodes.Count);
        Assert.Equal(store.Count("v1", "services"), snapshot.Services.Count);
        Assert.Equal(store.Count(ipamApiVersion, "ipamblocks"), snapshot.Blocks.Count);
        Assert.Equal(store.Count(ipamApiVersion, "ipamhandles"), snapshot.Handles.Count);
        Assert.Equal(store.Count(ipamApiVersion, "blockaffinities"), snapshot.Affinities.Count);
        Assert.Equal(store.Count(ipamApiVersion, "ippools"), snapshot.Pools.Count);
        Assert.True(snapshot.Pods.Count > 0 && snapshot.Blocks.Count > 0 && snapshot.Handles.Count > 0);
        Assert.Equal(store.Get(ipamApiVersion, "clusterinformations", null, "default") is not null, snapshot.ClusterInformation is not null);
        Assert.Equal(store.Get(ipamApiVersion, ipamConfigPlural, null, "default") is not null, snapshot.Settings.IpamConfigPresent);
    }

    [Fact]
    public async Task Forcing_projectcalico_org_reads_the_v3_group_even_when_both_are_served()
    {
        await using var cluster = await TestCluster.StartAsync(ApiLayout.Both);
        using var client = await cluster.ConnectAsync(o => o.ApiGroup = "projectcalico.org");

        var snapshot = await client.ReadSnapshotAsync();

        Assert.Equal(CalicoApiLayout.NativeV3, client.ApiLayout);
        Assert.Equal("projectcalico.org/v3", snapshot.ApiLayout);
        Assert.Contains(cluster.Log, line => line.StartsWith("GET /apis/projectcalico.org/v3/ipamblocks?limit=500 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Soft_deleted_blocks_and_handles_are_left_out()
    {
        await using var cluster = await TestCluster.StartAsync();
        var store = cluster.Server.Store;
        var block = store.List("crd.projectcalico.org/v1", "ipamblocks")[0];
        ((JsonObject)block["spec"]!)["deleted"] = true;
        store.Upsert(block);
        var handle = store.List("crd.projectcalico.org/v1", "ipamhandles")[0];
        ((JsonObject)handle["spec"]!)["deleted"] = true;
        store.Upsert(handle);
        using var client = await cluster.ConnectAsync();

        var snapshot = await client.ReadSnapshotAsync();

        Assert.Equal(store.Count("crd.projectcalico.org/v1", "ipamblocks") - 1, snapshot.Blocks.Count);
        Assert.Equal(store.Count("crd.projectcalico.org/v1", "ipamhandles") - 1, snapshot.Handles.Count);
        Assert.DoesNotContain(snapshot.Blocks, b => b.Name == block["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Progress_reports_every_resource_and_the_item_totals()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var reports = new List<SnapshotProgress>();

        var snapshot = await client.ReadSnapshotAsync(new SynchronousProgress<SnapshotProgress>(reports.Add));

        Assert.Contains(reports, r => r.Resource == "pods" && r.ItemsRead == snapshot.Pods.Count);
        Assert.Contains(reports, r => r.Resource == "ipamblocks.crd.projectcalico.org" && r.ItemsRead == snapshot.Blocks.Count);
        Assert.All(reports, r => Assert.InRange(r.Step, 1, r.StepCount));
    }

    [Fact]
    public async Task Live_pod_node_and_service_reads_use_the_snapshot_parsing_and_return_null_when_gone()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var snapshot = await client.ReadSnapshotAsync();
        var pod = snapshot.Pods[0];
        var node = snapshot.Nodes[0];

        var live = await client.GetPodAsync(pod.Namespace, pod.Name);
        Assert.NotNull(live);
        Assert.Equal(pod.Uid, live.Uid);
        Assert.Equal(pod.NodeName, live.NodeName);
        Assert.Equal(pod.StatusPodIPs, live.StatusPodIPs);
        Assert.Equal(pod.AnnotationPodIPs, live.AnnotationPodIPs);
        Assert.Equal(node.Name, (await client.GetNodeAsync(node.Name))!.Name);
        Assert.Null(await client.GetPodAsync(pod.Namespace, "no-such-pod"));
        Assert.Null(await client.GetNodeAsync("no-such-node"));
        Assert.Null(await client.GetServiceAsync("default", "no-such-service"));
        if (snapshot.Services.Count > 0)
        {
            var service = snapshot.Services[0];
            Assert.Equal(service.Uid, (await client.GetServiceAsync(service.Namespace, service.Name))!.Uid);
        }
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the reports in order and complete.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
