using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Tests.Analysis;

/// <summary>Calico's own GC scenarios (calico-ipam.md §6 rows 21 and 26) end to end on one snapshot.</summary>
public class KubeControllersScenarioTests
{
    [Fact]
    public void Kube_controllers_fv_scenario_keeps_and_releases_the_same_addresses()
    {
        var cluster = new TestCluster().Pool("192.168.0.0/24")
            .Node("node-a", ipip: "192.168.0.0", vxlan: "192.168.0.1", wireguard: "192.168.0.2")
            .Pod(TestCluster.RunningPod("default", "status-ip", "node-a", "192.168.0.4"))
            .Pod(TestCluster.RunningPod("default", "status-ips", "node-a", "fe80::", "192.168.0.5"))
            .Pod(TestCluster.RunningPod("default", "no-ip-yet", "node-a") with { Phase = "Pending" })
            .Pod(TestCluster.RunningPod("default", "moved-ip", "node-a", "192.168.30.5"))
            .Block("192.168.0.0/26", "host:node-a", b => b
                .Tunnel(0, "ipipTunnelAddress", "node-a")
                .Tunnel(1, "vxlanTunnelAddress", "node-a")
                .Tunnel(2, "wireguardTunnelAddress", "node-a")
                .Attributes(3, "node-only", ("node", "node-a"))
                .Pod(4, "default", "status-ip", "node-a", TestCluster.PodHandle("s4"))
                .Pod(5, "default", "status-ips", "node-a", TestCluster.PodHandle("s5"))
                .Pod(6, "default", "no-ip-yet", "node-a", TestCluster.PodHandle("s6"))
                .Pod(7, "default", "missing", "node-a", TestCluster.PodHandle("s7"))
                .Pod(8, "default", "moved-ip", "node-a", TestCluster.PodHandle("s8")))
            .EmptyBlock("192.168.0.64/26", "host:node-a");

        var result = cluster.Analyze();

        Assert.Equal(
            new[] { (FindingKind.LeakedIp, "192.168.0.7"), (FindingKind.LeakedIp, "192.168.0.8"), (FindingKind.EmptyBlock, (string?)"192.168.0.64/26") },
            result.Releasable().Select(f => (f.Kind, f.Kind == FindingKind.EmptyBlock ? f.Block : f.IP)));
        Assert.Equal("192.168.0.3", Assert.Single(result.Findings, f => !f.Releasable).IP);
    }

    [Fact]
    public void Empty_block_is_released_even_when_the_node_is_at_its_block_limit()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("cnode")
            .Pod(TestCluster.RunningPod("default", "web", "cnode", "10.0.0.1"))
            .Block("10.0.0.0/26", "host:cnode", b => b.Pod(1, "default", "web", "cnode", TestCluster.PodHandle("f1")))
            .EmptyBlock("10.0.0.64/26", "host:cnode");
        cluster.Settings = IpamSettings.Defaults with { MaxBlocksPerHost = 2 };

        var result = cluster.Analyze();

        Assert.True(Assert.Single(result.Findings).Releasable);
        Assert.True(Assert.Single(result.Summary.Nodes).AtBlockLimit);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(24)]
    public void Small_and_large_blocks_follow_the_same_keep_rule(int prefix)
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("cnode");
        var size = 1 << (32 - prefix);
        for (var i = 0; i < 5; i++)
        {
            var offset = i * size;
            cluster.EmptyBlock("10.0." + (offset >> 8) + "." + (offset & 0xFF) + "/" + prefix, "host:cnode", TestCluster.Old.AddMinutes(i));
        }

        var empties = cluster.Analyze().Of(FindingKind.EmptyBlock);

        Assert.Equal(4, empties.Count(f => f.Releasable));
    }
}
