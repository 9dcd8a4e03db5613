using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

public class UnknownAllocationTests
{
    private static TestCluster NodeA() => new TestCluster().Pool("10.0.0.0/16").Node("node-a");

    [Fact]
    public void LoadBalancer_address_listed_by_its_service_is_in_use()
    {
        var cluster = NodeA().Service("default", "frontend", "10.0.1.4")
            .Block("10.0.1.0/26", "virtual:load-balancer", b => b.Attributes(4, "lb-abc", ("service", "frontend"), ("namespace", "default"), ("type", "LoadBalancer")));

        var result = cluster.Analyze();

        Assert.Empty(result.Findings);
        Assert.False(result.State("10.0.1.4").Releasable);
    }

    [Fact]
    public void LoadBalancer_address_of_a_deleted_service_is_reported_as_not_in_use_but_only_reported()
    {
        // §5 item 14: Calico's LoadBalancer controller owns these; we never release them.
        var cluster = NodeA()
            .Block("10.0.1.0/26", "virtual:load-balancer", b => b.Attributes(4, "lb-abc", ("service", "frontend"), ("namespace", "default"), ("type", "LoadBalancer")));

        var result = cluster.Analyze();

        var unknown = result.Single(FindingKind.UnknownAllocation, "10.0.1.4");
        Assert.False(unknown.Releasable);
        Assert.Equal("report only", unknown.Action);
        Assert.Contains("not in use", unknown.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Of(FindingKind.OrphanAffinity));
        Assert.Empty(result.Of(FindingKind.DeletedNodeBlock));
    }

    [Fact]
    public void Address_in_a_virtual_block_without_service_attributes_is_unknown()
    {
        var cluster = NodeA().Block("10.0.1.0/26", "virtual:load-balancer", b => b.Attributes(4, "lb-xyz"));

        Assert.False(cluster.Analyze().Single(FindingKind.UnknownAllocation, "10.0.1.4").Releasable);
    }

    [Fact]
    public void KubeVirt_vm_address_is_report_only_even_when_its_pod_is_gone()
    {
        // §5 item 13: VM addresses survive pod deletion by design.
        var cluster = NodeA().Block("10.0.0.0/26", "host:node-a", b => b.Attributes(3, "k8s-pod-network.vmi.default.vm1",
            ("namespace", "default"), ("pod", "virt-launcher-vm1-abcde"), ("node", "node-a"), ("vmi-name", "vm1")));

        var unknown = cluster.Analyze().Single(FindingKind.UnknownAllocation, "10.0.0.3");

        Assert.False(unknown.Releasable);
        Assert.Contains("KubeVirt", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Multus_secondary_network_handle_is_report_only()
    {
        // §5 item 16: the pod annotations only show the default network's addresses.
        var cluster = NodeA()
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(3, "default", "gone", "node-a", "macvlan-net.4f2a"));

        var unknown = cluster.Analyze().Single(FindingKind.UnknownAllocation, "10.0.0.3");

        Assert.False(unknown.Releasable);
        Assert.Contains("macvlan-net", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_default_network_name_makes_its_handles_ordinary_pod_handles()
    {
        var cluster = NodeA().Block("10.0.0.0/26", "host:node-a", b => b.Pod(3, "default", "gone", "node-a", "calico-net.4f2a"));

        Assert.True(cluster.Analyze(o => o with { DefaultNetworkName = "calico-net" }).Single(FindingKind.LeakedIp, "10.0.0.3").Releasable);
        Assert.True(cluster.Analyze(o => o with { DefaultNetworkName = null }).Single(FindingKind.LeakedIp, "10.0.0.3").Releasable);
        Assert.Single(cluster.Analyze().Of(FindingKind.UnknownAllocation));
    }

    [Fact]
    public void Allocation_with_only_a_node_attribute_is_report_only()
    {
        // §6 scenario 26 and §5 item 15: not a pod, not a tunnel.
        var cluster = NodeA().Block("10.0.0.0/26", "host:node-a", b => b.Attributes(3, "my-handle", ("node", "node-a")));

        var unknown = cluster.Analyze().Single(FindingKind.UnknownAllocation, "10.0.0.3");

        Assert.False(unknown.Releasable);
        Assert.Contains("names no pod", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocation_without_a_handle_is_report_only()
    {
        var cluster = NodeA().Block("10.0.0.0/26", "host:node-a", b => b.Attributes(3, null, ("namespace", "default"), ("pod", "gone"), ("node", "node-a")));

        var result = cluster.Analyze();

        Assert.False(result.Single(FindingKind.UnknownAllocation, "10.0.0.3").Releasable);
        Assert.Empty(result.Of(FindingKind.MissingHandle));
    }

    [Fact]
    public void Unknown_allocation_keeps_the_block_of_a_deleted_node()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16")
            .Block("10.0.0.0/26", "host:dead", b => b.Attributes(3, "my-handle", ("node", "dead")).Pod(4, "default", "gone", "dead", TestCluster.PodHandle("u1")));

        var result = cluster.Analyze();

        var block = Assert.Single(result.Of(FindingKind.DeletedNodeBlock));
        Assert.False(block.Releasable);
        Assert.Equal("Unknown", block.Detail);
        Assert.Contains("10.0.0.3", block.Reason, StringComparison.Ordinal);
        Assert.True(result.Single(FindingKind.LeakedIp, "10.0.0.4").Releasable);
    }
}
