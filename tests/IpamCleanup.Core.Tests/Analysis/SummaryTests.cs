using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Tests.Analysis;

public class SummaryTests
{
    [Fact]
    public void Summary_counts_pools_nodes_and_finding_kinds()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/24", name: "default-ipv4").Pool("10.1.0.0/24", disabled: true, name: "old").Node("node-a").Node("node-b")
            .Pod(TestCluster.RunningPod("default", "a", "node-a", "10.0.0.1"))
            .Pod(TestCluster.RunningPod("default", "b", "node-b", "10.0.0.2"))
            .Block("10.0.0.0/26", "host:node-a", b => b
                .Pod(1, "default", "a", "node-a", TestCluster.PodHandle("a"))
                .Pod(2, "default", "b", "node-b", TestCluster.PodHandle("b"))
                .Pod(3, "default", "gone", "node-a", TestCluster.PodHandle("g")))
            .EmptyBlock("10.0.0.64/26", "host:node-a")
            .EmptyBlock("10.1.0.0/26", "host:node-b")
            .Block("172.16.0.0/26", "host:dead", b => b.Pod(0, "default", "x", "dead", TestCluster.PodHandle("x")));
        cluster.Settings = IpamSettings.Defaults with { MaxBlocksPerHost = 2 };

        var summary = cluster.Analyze().Summary;

        Assert.Equal(4, summary.BlockCount);
        Assert.Equal(4, summary.AllocationCount);
        Assert.Equal(2, summary.NodeCount);
        Assert.Equal(2, summary.FindingCounts[FindingKind.LeakedIp]);
        Assert.Equal(2, summary.ReleasableCounts[FindingKind.LeakedIp]);
        Assert.Equal(1, summary.FindingCounts[FindingKind.EmptyBlock]);
        Assert.Equal(1, summary.FindingCounts[FindingKind.DeletedNodeBlock]);
        Assert.Equal(0, summary.FindingCounts[FindingKind.CorruptBlock]);

        var pool = summary.Pools[0];
        Assert.Equal(("default-ipv4", "10.0.0.0/24", 2, (UInt128)256, 3L, (UInt128)253), (pool.Name, pool.Cidr, pool.Blocks, pool.Size, pool.Allocated, pool.Free));
        Assert.True(summary.Pools[1].Disabled);
        Assert.Equal(1, summary.Pools[1].Blocks);
        Assert.Equal((1, 1L, (UInt128)64), (summary.OrphanedBlocks!.Blocks, summary.OrphanedBlocks.Allocated, summary.OrphanedBlocks.Size));

        var nodeA = Assert.Single(summary.Nodes, n => n.Name == "node-a");
        Assert.Equal((true, 2, 2, 2, 0, true), (nodeA.Exists, nodeA.AffineBlocks, nodeA.MaxBlocksPerHost, nodeA.Allocations, nodeA.Borrowed, nodeA.AtBlockLimit));
        var nodeB = Assert.Single(summary.Nodes, n => n.Name == "node-b");
        Assert.Equal((1, 1, 1), (nodeB.AffineBlocks, nodeB.Allocations, nodeB.Borrowed));
        var dead = Assert.Single(summary.Nodes, n => n.Name == "dead");
        Assert.False(dead.Exists);
    }

    [Fact]
    public void Top_nodes_and_median_follow_calicoctl()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16");
        for (var n = 0; n < 25; n++)
        {
            var node = "node-" + n.ToString("00", System.Globalization.CultureInfo.InvariantCulture);
            cluster.Node(node).Block("10.0." + n + ".0/26", "host:" + node, b =>
            {
                for (var i = 0; i <= n; i++)
                {
                    b.Tunnel(i, "vxlanTunnelAddress", node, handle: "h-" + node + "-" + i);
                }
            });
        }

        var summary = cluster.Analyze().Summary;

        Assert.Equal(20, summary.TopNodes.Count);
        Assert.Equal("node-24", summary.TopNodes[0].Name);
        Assert.Equal(25, summary.MaxAllocationsPerNode);
        Assert.Equal(13, summary.MedianAllocationsPerNode);
        Assert.Equal(25, summary.Nodes.Count);
    }
}
