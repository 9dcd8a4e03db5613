using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

public class OrphanAffinityTests
{
    [Fact]
    public void Affinity_of_a_deleted_node_without_a_block_is_releasable()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Affinity("dead", "10.0.0.0/26");

        var orphan = Assert.Single(cluster.Analyze().Findings);

        Assert.Equal(FindingKind.OrphanAffinity, orphan.Kind);
        Assert.True(orphan.Releasable);
        Assert.Equal("BlockMissing", orphan.Detail);
        Assert.Equal("dead-10-0-0-0-26", orphan.AffinityName);
        Assert.Equal("10.0.0.0/26", orphan.Block);
        Assert.StartsWith("Delete affinity dead-10-0-0-0-26 (resourceVersion arv-dead-10.0.0.0/26", orphan.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void Stale_affinity_pointing_at_another_nodes_block_is_releasable()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a").Node("node-b")
            .Pod(TestCluster.RunningPod("default", "web", "node-a", "10.0.0.1"))
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(1, "default", "web", "node-a", TestCluster.PodHandle("s1")))
            .Affinity("node-b", "10.0.0.0/26");

        var orphan = Assert.Single(cluster.Analyze().Findings);

        Assert.True(orphan.Releasable);
        Assert.Equal("Stale", orphan.Detail);
        Assert.Equal("node-b-10-0-0-0-26", orphan.AffinityName);
        Assert.Equal("10-0-0-0-26", orphan.BlockName);
        Assert.Contains("host:node-a", orphan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Confirmed_affinity_without_a_block_on_a_live_node_is_releasable_but_harmless()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a").Affinity("node-a", "10.0.0.0/26");

        var orphan = Assert.Single(cluster.Analyze().Findings);

        Assert.True(orphan.Releasable);
        Assert.Contains("harmless", orphan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Young_pending_affinity_of_a_live_node_is_a_claim_in_flight()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Affinity("node-a", "10.0.0.0/26", "pending", created: TestCluster.Now.AddMinutes(-2));

        Assert.Empty(cluster.Analyze().Findings);
    }

    [Fact]
    public void Old_pending_affinity_or_one_of_a_deleted_node_is_reported()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Affinity("node-a", "10.0.0.0/26", "pending", created: TestCluster.Now.AddMinutes(-10))
            .Affinity("dead", "10.0.0.64/26", "pending", created: TestCluster.Now.AddMinutes(-1));

        var orphans = cluster.Analyze().Of(FindingKind.OrphanAffinity);

        Assert.Equal(2, orphans.Count);
        Assert.All(orphans, o => Assert.True(o.Releasable));
    }

    [Fact]
    public void Affinity_matching_its_block_is_not_reported_and_an_empty_type_means_host()
    {
        // §6 scenario 11: rows written before the type field existed.
        var cluster = new TestCluster { AutoAffinities = false }.Pool("10.0.0.0/16").Node("node-a")
            .Pod(TestCluster.RunningPod("default", "web", "node-a", "10.0.0.1"))
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(1, "default", "web", "node-a", TestCluster.PodHandle("s2")))
            .Affinity("node-a", "10.0.0.0/26", state: string.Empty, type: string.Empty);

        Assert.Empty(cluster.Analyze().Findings);
    }

    [Fact]
    public void Virtual_affinity_matching_a_virtual_block_is_not_reported()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Service("default", "lb", "10.0.1.1")
            .Block("10.0.1.0/26", "virtual:load-balancer", b => b.Attributes(1, "lb-1", ("service", "lb"), ("namespace", "default")));

        Assert.Empty(cluster.Analyze().Findings);
    }
}
