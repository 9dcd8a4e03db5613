using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

public class TunnelTests
{
    public static TheoryData<string, string> TunnelTypes => new()
    {
        { "ipipTunnelAddress", "10.0.0.1" },
        { "vxlanTunnelAddress", "10.0.0.1" },
        { "vxlanV6TunnelAddress", "fd00::1" },
        { "wireguardTunnelAddress", "10.0.0.1" },
        { "wireguardV6TunnelAddress", "fd00::1" },
    };

    [Theory]
    [MemberData(nameof(TunnelTypes))]
    public void Tunnel_address_of_a_live_node_is_kept(string type, string ip)
    {
        // §5 item 9: calicoctl ignores the IPv6 tunnel annotations; we do not.
        var cluster = new TestCluster().Pool("10.0.0.0/16").Pool("fd00::/64", 122);
        cluster.Node("node-a",
            ipip: type == "ipipTunnelAddress" ? ip : null,
            vxlan: type == "vxlanTunnelAddress" ? ip : null,
            vxlanV6: type == "vxlanV6TunnelAddress" ? ip : null,
            wireguard: type == "wireguardTunnelAddress" ? ip : null,
            wireguardV6: type == "wireguardV6TunnelAddress" ? ip : null);
        cluster.Block(ip.Contains(':', StringComparison.Ordinal) ? "fd00::/122" : "10.0.0.0/26", "host:node-a", b => b.Tunnel(1, type, "node-a"));

        var result = cluster.Analyze();

        Assert.Empty(result.Findings);
        var state = result.State(ip);
        Assert.False(state.Releasable);
        Assert.Equal(new[] { "Node(node-a)" }, state.Owners);
    }

    [Theory]
    [MemberData(nameof(TunnelTypes))]
    public void Tunnel_address_of_a_deleted_node_is_a_releasable_leaked_tunnel_ip(string type, string ip)
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Pool("fd00::/64", 122).Node("node-a");
        cluster.Block(ip.Contains(':', StringComparison.Ordinal) ? "fd00::/122" : "10.0.0.0/26", "host:node-a", b => b.Tunnel(1, type, "dead-node"));

        var leak = cluster.Analyze().Single(FindingKind.LeakedTunnelIp, ip);

        Assert.True(leak.Releasable);
        Assert.Equal(type, leak.AllocationType);
        Assert.StartsWith("Release IP " + ip, leak.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void Tunnel_address_of_a_live_node_whose_annotation_differs_is_left_to_calico_node()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a", vxlan: "10.0.0.7")
            .Block("10.0.0.0/26", "host:node-a", b => b.Tunnel(1, "vxlanTunnelAddress", "node-a").Tunnel(7, "ipipTunnelAddress", "node-a"));

        var result = cluster.Analyze();

        Assert.DoesNotContain(result.Findings, f => f.Kind is FindingKind.LeakedTunnelIp or FindingKind.LeakedIp);
    }

    [Fact]
    public void Tunnel_allocation_is_recognised_by_handle_prefix_and_names_its_node_from_it()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Block("10.0.0.0/26", "host:node-a", b => b.Attributes(1, "vxlan-v6-tunnel-addr-old-node", ("timestamp", TestCluster.GoTime(TestCluster.Old))));

        var leak = cluster.Analyze().Single(FindingKind.LeakedTunnelIp, "10.0.0.1");

        Assert.Contains("old-node", leak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleted_node_with_only_its_tunnel_address_is_cleaned_in_one_pass()
    {
        // §6 scenario 23: the tunnel handle is released and the node's block released in the same pass.
        var cluster = new TestCluster().Pool("10.0.0.0/16")
            .Block("10.0.0.0/30", "host:dead-node", b => b.Tunnel(0, "vxlanTunnelAddress", "dead-node"));

        var result = cluster.Analyze();

        Assert.True(result.Single(FindingKind.LeakedTunnelIp, "10.0.0.0").Releasable);
        var block = Assert.Single(result.Of(FindingKind.DeletedNodeBlock));
        Assert.True(block.Releasable);
        Assert.Equal("LeakedOnly", block.Detail);
        Assert.StartsWith("After the 1 leaked address(es)", block.Action, StringComparison.Ordinal);
    }
}
