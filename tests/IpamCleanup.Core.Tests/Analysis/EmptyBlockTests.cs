using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

public class EmptyBlockTests
{
    private static TestCluster NodeWithPod() => new TestCluster().Pool("10.0.0.0/16").Pool("fd00::/64", 122).Node("cnode")
        .Pod(TestCluster.RunningPod("default", "web", "cnode", "10.0.0.1"))
        .Block("10.0.0.0/26", "host:cnode", b => b.Pod(1, "default", "web", "cnode", TestCluster.PodHandle("e1")));

    [Fact]
    public void Empty_surplus_block_of_a_live_node_is_releasable_with_its_affinity()
    {
        // §6 scenario 21: one non-empty block plus one empty block.
        var cluster = NodeWithPod().EmptyBlock("10.0.0.64/26", "host:cnode");

        var empty = Assert.Single(cluster.Analyze().Findings);

        Assert.Equal(FindingKind.EmptyBlock, empty.Kind);
        Assert.True(empty.Releasable);
        Assert.Equal("Empty", empty.Detail);
        Assert.Equal("cnode", empty.Node);
        Assert.Equal("10.0.0.64/26", empty.Block);
        Assert.Equal("10-0-0-64-26", empty.BlockName);
        Assert.Equal("cnode-10-0-0-64-26", empty.AffinityName);
        Assert.Equal("arv-cnode-10.0.0.64/26", empty.AffinityResourceVersion);
        Assert.False(string.IsNullOrEmpty(empty.AffinityUid));
        Assert.StartsWith("Set affinity cnode-10-0-0-64-26 to pendingDeletion, delete block 10-0-0-64-26", empty.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_block_of_a_node_is_never_released()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("cnode").EmptyBlock("10.0.0.0/26", "host:cnode");

        Assert.Empty(cluster.Analyze().Findings);

        var kept = Assert.Single(cluster.Analyze(o => o with { IncludeHealthy = true }).Findings);
        Assert.False(kept.Releasable);
        Assert.Contains("kept", kept.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_five_empty_blocks_four_are_released_and_the_most_recently_claimed_is_kept()
    {
        // §6 scenario 21, "should NOT clean up all blocks assigned to a node".
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("cnode");
        for (var i = 0; i < 5; i++)
        {
            cluster.EmptyBlock("10.0." + i + ".0/24", "host:cnode", TestCluster.Old.AddMinutes(i == 2 ? 30 : i));
        }

        var result = cluster.Analyze();

        var released = result.Of(FindingKind.EmptyBlock);
        Assert.Equal(4, released.Count);
        Assert.All(released, f => Assert.True(f.Releasable));
        Assert.DoesNotContain(released, f => f.Block == "10.0.2.0/24");
        Assert.Equal(new[] { "10.0.0.0/24", "10.0.1.0/24", "10.0.3.0/24", "10.0.4.0/24" }, released.Select(f => f.Block));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 2)]
    [InlineData(2, 1)]
    [InlineData(3, 0)]
    public void KeepBlocksPerNode_sets_how_many_blocks_a_node_keeps(int keep, int releasable)
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("cnode")
            .EmptyBlock("10.0.0.0/26", "host:cnode").EmptyBlock("10.0.0.64/26", "host:cnode").EmptyBlock("10.0.0.128/26", "host:cnode");

        var result = cluster.Analyze(o => o with { KeepBlocksPerNode = keep });

        Assert.Equal(releasable, result.Of(FindingKind.EmptyBlock).Count(f => f.Releasable));
    }

    [Fact]
    public void Keep_count_covers_ipv4_and_ipv6_blocks_together()
    {
        // kube-controllers counts blocksByNode over both families.
        var cluster = new TestCluster().Pool("10.0.0.0/16").Pool("fd00::/64", 122).Node("cnode")
            .Pod(TestCluster.RunningPod("default", "web", "cnode", "fd00::1"))
            .Block("fd00::/122", "host:cnode", b => b.Pod(1, "default", "web", "cnode", TestCluster.PodHandle("e2")))
            .EmptyBlock("10.0.0.0/26", "host:cnode");

        Assert.True(Assert.Single(cluster.Analyze().Findings).Releasable);
    }

    [Fact]
    public void Block_claimed_less_than_a_minute_ago_is_not_releasable()
    {
        // §6 scenario 27 / EmptyBlockMinReclaimAge.
        var cluster = NodeWithPod().EmptyBlock("10.0.0.64/26", "host:cnode", TestCluster.Now.AddSeconds(-30));

        var empty = Assert.Single(cluster.Analyze().Findings);

        Assert.False(empty.Releasable);
        Assert.Contains("less than 1 minute", empty.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("pendingDeletion")]
    public void Block_whose_affinity_is_not_confirmed_is_not_releasable(string state)
    {
        var cluster = NodeWithPod().EmptyBlock("10.0.0.64/26", "host:cnode").Affinity("cnode", "10.0.0.64/26", state);

        var empty = Assert.Single(cluster.Analyze().Findings);

        Assert.False(empty.Releasable);
        Assert.Contains(state, empty.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_block_without_an_affinity_object_is_report_only()
    {
        var cluster = NodeWithPod().EmptyBlock("10.0.0.64/26", "host:cnode");
        cluster.AutoAffinities = false;

        var empty = Assert.Single(cluster.Analyze().Findings);

        Assert.False(empty.Releasable);
        Assert.Null(empty.AffinityName);
    }

    [Fact]
    public void Affinity_is_found_by_node_and_cidr_not_by_name()
    {
        // §1.13: long node names are truncated and hashed in the affinity name.
        var cluster = NodeWithPod().EmptyBlock("10.0.0.64/26", "host:cnode").Affinity("cnode", "10.0.0.64/26", name: "cnode-10-0-0-64-26-0123456789a");

        var empty = Assert.Single(cluster.Analyze().Findings);

        Assert.True(empty.Releasable);
        Assert.Equal("cnode-10-0-0-64-26-0123456789a", empty.AffinityName);
    }

    [Fact]
    public void Node_being_migrated_from_flannel_keeps_its_empty_blocks()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("cnode", migration: "flannel")
            .EmptyBlock("10.0.0.0/26", "host:cnode").EmptyBlock("10.0.0.64/26", "host:cnode");

        var empty = Assert.Single(cluster.Analyze().Findings);

        Assert.False(empty.Releasable);
        Assert.Contains("node-network-during-migration=flannel", empty.Reason, StringComparison.Ordinal);
        Assert.True(Assert.Single(new TestCluster().Pool("10.0.0.0/16").Node("cnode", migration: "calico")
            .EmptyBlock("10.0.0.0/26", "host:cnode").EmptyBlock("10.0.0.64/26", "host:cnode").Analyze().Findings).Releasable);
    }

    [Fact]
    public void Empty_block_without_affinity_is_reported_only()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").EmptyBlock("10.0.0.0/26", null);

        var empty = Assert.Single(cluster.Analyze().Findings);

        Assert.Equal(FindingKind.EmptyBlock, empty.Kind);
        Assert.Equal("Unaffine", empty.Detail);
        Assert.False(empty.Releasable);
    }

    [Fact]
    public void Blocks_within_the_grace_period_are_both_kept_by_a_confirmation_run()
    {
        // §6 scenario 27: the emptied block is released only once it is seen empty, unchanged, twice.
        var first = NodeWithPod().EmptyBlock("10.0.0.64/26", "host:cnode");
        var earlier = first.Analyze().Findings;
        var second = NodeWithPod().Block("10.0.0.64/26", "host:cnode", b => b.ResourceVersion = "brv-2");

        var confirmed = FindingComparer.Intersect(earlier, second.Analyze().Findings);

        Assert.Empty(confirmed);
    }
}
