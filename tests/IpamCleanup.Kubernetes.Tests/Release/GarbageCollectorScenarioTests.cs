using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>calico-ipam.md §6 rows 21–24: kube-controllers' garbage-collector scenarios.</summary>
public sealed class GarbageCollectorScenarioTests
{
    [Fact]
    public async Task Scenario21_the_empty_block_of_a_node_with_a_non_empty_one_is_released()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16").Node("cnode")
            .Block("10.0.0.0/26", "host:cnode").Pod(1, "default", "p1", "cnode", "k8s-pod-network.p1").Done()
            .Pod("default", "p1", "cnode", "10.0.0.1")
            .Block("10.0.0.64/26", "host:cnode").Done()
            .Affinity("cnode", "10.0.0.0/26").Affinity("cnode", "10.0.0.64/26")
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();

        var results = await ReleaseAsync(client, (await ScanAsync(client)).Where(f => f.Releasable));

        Assert.Equal(FindingKind.EmptyBlock, Assert.Single(results).Finding.Kind);
        Assert.Equal(ReleaseStatus.Released, Assert.Single(results).Status);
        Assert.Null(Block(cluster, "10-0-0-64-26"));
        Assert.Null(Affinity(cluster, "cnode", "10.0.0.64/26"));
        Assert.NotNull(Block(cluster, "10-0-0-0-26"));
    }

    [Fact]
    public async Task Scenario21_of_five_empty_blocks_four_are_released_and_one_is_kept_even_when_all_five_are_asked_for()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16").Node("cnode");
        for (var i = 0; i < 5; i++)
        {
            var cidr = $"10.0.{i}.0/24";
            seed.Block(cidr, "host:cnode", IpamSeed.LongAgo.AddMinutes(i)).Done().Affinity("cnode", cidr);
        }

        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        Assert.Equal(4, (await ScanAsync(client)).Count(f => f.Kind == FindingKind.EmptyBlock && f.Releasable));

        // A scan that kept nothing offers all five; the write-time re-check still keeps one, even with four workers.
        var all = (await ScanAsync(client, keepBlocksPerNode: 0)).Where(f => f.Kind == FindingKind.EmptyBlock).ToList();
        var results = await ReleaseAsync(client, all, Options(throttle: 4));

        Assert.Equal(4, results.Count(r => r.Status == ReleaseStatus.Released));
        Assert.Equal(ReleaseSkipReason.KeepLastBlock, Assert.Single(results, r => r.Status == ReleaseStatus.Skipped).Reason);
        Assert.Single(cluster.Server.Store.List(V1, "ipamblocks"));
        Assert.Single(cluster.Server.Store.List(V1, "blockaffinities"));
    }

    [Fact]
    public async Task Scenario22_the_empty_block_of_a_node_that_no_longer_exists_is_released()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16")
            .Block("10.0.0.0/26", "host:dead-node").Done()
            .Affinity("dead-node", "10.0.0.0/26");
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();

        var result = Assert.Single(await ReleaseAsync(client, (await ScanAsync(client)).Where(f => f.Releasable)));

        Assert.Equal(ReleaseStatus.Released, result.Status);
        Assert.Empty(cluster.Server.Store.List(V1, "ipamblocks"));
        Assert.Empty(cluster.Server.Store.List(V1, "blockaffinities"));
    }

    [Fact]
    public async Task Scenario22_a_pod_address_of_a_deleted_node_is_released_and_then_the_nodes_affinity()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16")
            .Block("10.0.0.0/26", "host:cnode").Pod(0, "default", "test-pod", "cnode", "test-handle").Done()
            .Affinity("cnode", "10.0.0.0/26")
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var findings = (await ScanAsync(client)).Where(f => f.Releasable).ToList();
        Assert.Equal(new[] { FindingKind.LeakedIp, FindingKind.DeletedNodeBlock }, findings.Select(f => f.Kind).Order());

        var results = await ReleaseAsync(client, findings);

        Assert.All(results, r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.Empty(cluster.Server.Store.List(V1, "ipamblocks"));
        Assert.Empty(cluster.Server.Store.List(V1, "blockaffinities"));
        Assert.Null(Handle(cluster, "test-handle"));
    }

    [Fact]
    public async Task Scenario23_a_deleted_nodes_tunnel_address_and_its_affinity_go_in_a_single_pass()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16")
            .Block("10.0.0.0/26", "host:dead-node").Tunnel(0, "dead-node").Done()
            .Affinity("dead-node", "10.0.0.0/26")
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var findings = (await ScanAsync(client)).Where(f => f.Releasable).ToList();
        Assert.Equal(new[] { FindingKind.LeakedTunnelIp, FindingKind.DeletedNodeBlock }, findings.Select(f => f.Kind).Order());

        var results = await ReleaseAsync(client, findings);

        Assert.All(results, r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.Null(Handle(cluster, "vxlan-tunnel-addr-dead-node"));
        Assert.Empty(cluster.Server.Store.List(V1, "ipamblocks"));
        Assert.Empty(cluster.Server.Store.List(V1, "blockaffinities"));
    }

    [Fact]
    public async Task Scenario24_a_deleted_nodes_running_pods_keep_everything_until_they_are_gone()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16").Node("node1").Node("node2")
            .Block("10.0.0.0/26", "host:node1").Pod(1, "default", "a1", "node1", "k8s-pod-network.a1").Pod(2, "default", "a2", "node1", "k8s-pod-network.a2").Done()
            .Block("10.0.0.64/26", "host:node2").Pod(1, "default", "b1", "node2", "k8s-pod-network.b1").Pod(2, "default", "b2", "node2", "k8s-pod-network.b2").Done()
            .Pod("default", "a1", "node1", "10.0.0.1").Pod("default", "a2", "node1", "10.0.0.2")
            .Pod("default", "b1", "node2", "10.0.0.65").Pod("default", "b2", "node2", "10.0.0.66")
            .Affinity("node1", "10.0.0.0/26").Affinity("node2", "10.0.0.64/26")
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        cluster.Server.Store.Delete("v1", "nodes", null, "node1");

        var first = await ScanAsync(client);
        Assert.DoesNotContain(first, f => f.Releasable);
        var results = await ReleaseAsync(client, first.Where(f => ReleasePlanner.ReleasableKinds.Contains(f.Kind)));
        Assert.DoesNotContain(results, r => r.Status == ReleaseStatus.Released);
        Assert.Equal(0, cluster.Server.Writes.Total);

        cluster.Server.Store.Delete("v1", "pods", "default", "a1");
        cluster.Server.Store.Delete("v1", "pods", "default", "a2");
        var second = (await ScanAsync(client)).Where(f => f.Releasable).ToList();
        Assert.Equal(new[] { FindingKind.LeakedIp, FindingKind.LeakedIp, FindingKind.DeletedNodeBlock }, second.Select(f => f.Kind).Order());

        Assert.All(await ReleaseAsync(client, second), r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.Null(Handle(cluster, "k8s-pod-network.a1"));
        Assert.Null(Handle(cluster, "k8s-pod-network.a2"));
        Assert.Null(Block(cluster, "10-0-0-0-26"));
        Assert.Null(Affinity(cluster, "node1", "10.0.0.0/26"));
        Assert.NotNull(Handle(cluster, "k8s-pod-network.b1"));
        Assert.NotNull(Block(cluster, "10-0-0-64-26"));
        Assert.Empty(HandleCountProblems(cluster.Server.Store));
    }
}
