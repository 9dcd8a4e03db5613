using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

public class OwnerTests
{
    [Fact]
    public void Pod_address_in_an_active_pool_without_an_allocation_is_in_use_not_allocated()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Pod(TestCluster.RunningPod("default", "rogue", "node-a", "10.0.0.9"))
            .EmptyBlock("10.0.0.0/26", "host:node-a");

        var finding = cluster.Analyze().Single(FindingKind.InUseNotAllocated, "10.0.0.9");

        Assert.False(finding.Releasable);
        Assert.Equal("rogue", finding.Pod);
        Assert.Equal("default", finding.Namespace);
        Assert.Equal("uid-default-rogue", finding.PodUid);
        Assert.Equal("10.0.0.0/26", finding.Block);
        Assert.Equal(new[] { "Workload(default/rogue)" }, finding.Owners);
    }

    [Fact]
    public void Node_tunnel_address_without_an_allocation_is_in_use_not_allocated()
    {
        var cluster = new TestCluster().Pool("fd00::/64", 122).Node("node-a", vxlanV6: "fd00::9");

        var finding = cluster.Analyze().Single(FindingKind.InUseNotAllocated, "fd00::9");

        Assert.Equal(new[] { "Node(node-a)" }, finding.Owners);
    }

    [Fact]
    public void Addresses_outside_every_active_pool_are_not_calicos()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Pool("10.1.0.0/16", disabled: true).Node("node-a", ipip: "192.168.5.1")
            .Pod(TestCluster.RunningPod("default", "other-cni", "node-a", "172.20.0.4"))
            .Pod(TestCluster.RunningPod("default", "disabled-pool", "node-a", "10.1.0.4"));

        var result = cluster.Analyze();

        Assert.Empty(result.Findings);
        Assert.Equal(3, result.Summary.InUseOutsideActivePools);
    }

    [Fact]
    public void Finished_pods_are_not_owners()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Pod(TestCluster.RunningPod("default", "done", "node-a", "10.0.0.9") with { Phase = "Succeeded" });

        Assert.Empty(cluster.Analyze().Findings);
    }

    [Fact]
    public void Two_pods_claiming_one_address_are_multiple_owners()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Pod(TestCluster.RunningPod("default", "a", "node-a", "10.0.0.1"))
            .Pod(TestCluster.RunningPod("default", "b", "node-a", "10.0.0.1"))
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(1, "default", "a", "node-a", TestCluster.PodHandle("m1")));

        var result = cluster.Analyze();

        var finding = result.Single(FindingKind.MultipleOwners, "10.0.0.1");
        Assert.False(finding.Releasable);
        Assert.Equal(new[] { "Workload(default/a)", "Workload(default/b)" }, finding.Owners);
        Assert.Equal("10.0.0.0/26", finding.Block);
        Assert.StartsWith("Address 10.0.0.1 is claimed by 2 live owners (Workload(default/a), Workload(default/b))", finding.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Of(FindingKind.InUseNotAllocated));
    }

    [Fact]
    public void Pod_and_node_tunnel_sharing_an_address_are_multiple_owners()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a", vxlan: "10.0.0.1")
            .Pod(TestCluster.RunningPod("default", "a", "node-a", "10.0.0.1"))
            .Block("10.0.0.0/26", "host:node-a", b => b.Tunnel(1, "vxlanTunnelAddress", "node-a"));

        var finding = cluster.Analyze().Single(FindingKind.MultipleOwners, "10.0.0.1");

        Assert.Contains("Node(node-a)", finding.Owners);
        Assert.Contains("Workload(default/a)", finding.Owners);
    }

    [Fact]
    public void A_pod_listing_its_address_in_status_and_annotation_is_one_owner()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Pod(TestCluster.RunningPod("default", "a", "node-a", "10.0.0.1"))
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(1, "default", "a", "node-a", TestCluster.PodHandle("m2")));

        Assert.Empty(cluster.Analyze().Findings);
    }
}
