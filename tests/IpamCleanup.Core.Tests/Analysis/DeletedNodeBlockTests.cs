using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

public class DeletedNodeBlockTests
{
    [Fact]
    public void Empty_block_of_a_deleted_node_is_releasable_regardless_of_the_keep_rule()
    {
        // §6 scenario 22.
        var cluster = new TestCluster().Pool("10.0.0.0/16").EmptyBlock("10.0.0.0/26", "host:dead-node");

        var block = Assert.Single(cluster.Analyze().Findings);

        Assert.Equal(FindingKind.DeletedNodeBlock, block.Kind);
        Assert.True(block.Releasable);
        Assert.Equal("Empty", block.Detail);
        Assert.Equal("dead-node", block.Node);
        Assert.Equal("dead-node-10-0-0-0-26", block.AffinityName);
    }

    [Fact]
    public void Block_of_a_deleted_node_holding_only_leaked_addresses_is_leaked_only()
    {
        // §6 scenario 22 variant: the pod and its node are both gone.
        var cluster = new TestCluster().Pool("10.0.0.0/16")
            .Block("10.0.0.0/26", "host:cnode", b => b.Pod(0, "default", "gone", "cnode", TestCluster.PodHandle("g1")).Windows(1));

        var result = cluster.Analyze();

        Assert.True(result.Single(FindingKind.LeakedIp, "10.0.0.0").Releasable);
        var block = Assert.Single(result.Of(FindingKind.DeletedNodeBlock));
        Assert.True(block.Releasable);
        Assert.Equal("LeakedOnly", block.Detail);
    }

    [Fact]
    public void Leaked_only_block_waits_while_one_of_its_leaks_is_too_young()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16")
            .Block("10.0.0.0/26", "host:cnode", b => b.Pod(0, "default", "gone", "cnode", TestCluster.PodHandle("g1"), TestCluster.Now.AddMinutes(-1)));

        var block = Assert.Single(cluster.Analyze().Of(FindingKind.DeletedNodeBlock));

        Assert.False(block.Releasable);
        Assert.Equal("LeakedOnly", block.Detail);
    }

    [Fact]
    public void Borrowed_addresses_of_live_nodes_keep_the_block_and_strip_the_affinity()
    {
        // §5 item 25 / issue #8643: node-b borrowed an address from the dead node's block.
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-b")
            .Pod(TestCluster.RunningPod("default", "borrower", "node-b", "10.0.0.7"))
            .Block("10.0.0.0/26", "host:dead", b => b
                .Pod(7, "default", "borrower", "node-b", TestCluster.PodHandle("br"))
                .Pod(8, "default", "gone", "dead", TestCluster.PodHandle("gn")));

        var result = cluster.Analyze();

        var block = Assert.Single(result.Of(FindingKind.DeletedNodeBlock));
        Assert.True(block.Releasable);
        Assert.Equal("Borrowed", block.Detail);
        Assert.Contains("remove the affinity from block 10-0-0-0-26", block.Action, StringComparison.Ordinal);
        Assert.Contains("10.0.0.7 of node-b", block.Reason, StringComparison.Ordinal);
        Assert.True(result.Single(FindingKind.LeakedIp, "10.0.0.8").Releasable);
        Assert.Empty(result.AtIp("10.0.0.7"));
    }

    [Fact]
    public void Deleted_node_whose_pods_still_exist_keeps_everything_until_the_pods_are_gone()
    {
        // §6 scenario 24: node1 is deleted while its pods still exist.
        var withPods = new TestCluster().Pool("10.0.0.0/16").Node("node2")
            .Pod(TestCluster.RunningPod("default", "p1", "node1", "10.0.0.1"))
            .Pod(TestCluster.RunningPod("default", "p2", "node1", "10.0.0.2"))
            .Block("10.0.0.0/26", "host:node1", b => b
                .Pod(1, "default", "p1", "node1", TestCluster.PodHandle("p1"))
                .Pod(2, "default", "p2", "node1", TestCluster.PodHandle("p2")));

        var before = withPods.Analyze();
        Assert.Empty(before.Releasable());
        var block = Assert.Single(before.Of(FindingKind.DeletedNodeBlock));
        Assert.Equal("InUse", block.Detail);

        withPods.Pods.Clear();
        var after = withPods.Analyze();
        Assert.Equal(2, after.Of(FindingKind.LeakedIp).Count(f => f.Releasable));
        var released = Assert.Single(after.Of(FindingKind.DeletedNodeBlock));
        Assert.True(released.Releasable);
        Assert.Equal("LeakedOnly", released.Detail);
    }

    [Fact]
    public void Block_of_a_deleted_node_claimed_less_than_a_minute_ago_waits()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").EmptyBlock("10.0.0.0/26", "host:new-node", TestCluster.Now.AddSeconds(-10));

        Assert.False(Assert.Single(cluster.Analyze().Findings).Releasable);
    }

    [Fact]
    public void Blocks_of_a_deleted_pool_are_still_analysed()
    {
        // §5 item 26: the pool is gone but its blocks and leaks remain.
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Block("172.16.0.0/26", "host:node-a", b => b.Pod(3, "default", "gone", "node-a", TestCluster.PodHandle("dp")));

        var result = cluster.Analyze();

        Assert.True(result.Single(FindingKind.LeakedIp, "172.16.0.3").Releasable);
        Assert.NotNull(result.Summary.OrphanedBlocks);
        Assert.Equal(1, result.Summary.OrphanedBlocks!.Blocks);
        Assert.Equal(1, result.Summary.OrphanedBlocks.Allocated);
    }

    [Fact]
    public void Block_of_a_deleted_node_whose_affinity_is_pending_waits()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").EmptyBlock("10.0.0.0/26", "host:new-node").Affinity("new-node", "10.0.0.0/26", "pending");

        var block = Assert.Single(cluster.Analyze().Findings);

        Assert.False(block.Releasable);
        Assert.Contains("pending", block.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Block_of_a_deleted_node_without_an_affinity_object_is_deleted_directly()
    {
        // Affinity objects of nodes that died before v3.31 may be gone while the block still names the node.
        var cluster = new TestCluster { AutoAffinities = false }.Pool("10.0.0.0/16").EmptyBlock("10.0.0.0/26", "host:dead");

        var block = Assert.Single(cluster.Analyze().Findings);

        Assert.True(block.Releasable);
        Assert.Null(block.AffinityName);
        Assert.StartsWith("Delete block 10-0-0-0-26", block.Action, StringComparison.Ordinal);
    }
}
