using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Tests.Analysis;

public class WindowsAndCooldownTests
{
    private static void Reserve(BlockBuilder block) => block.Windows(0).Windows(1).Windows(2).Windows(63);

    [Fact]
    public void Windows_reserved_addresses_are_never_reported_or_released()
    {
        // §5 item 10: no handle object exists for them; they are never missing handles or leaks.
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("win-1")
            .Block("10.0.0.0/26", "host:win-1", Reserve);

        var result = cluster.Analyze(o => o with { IncludeHealthy = true });

        Assert.DoesNotContain(result.Findings, f => f.IP is not null);
        Assert.All(result.Allocations, a => Assert.True(a.WindowsReserved && !a.Releasable));
    }

    [Fact]
    public void Live_windows_node_block_holding_only_reserved_addresses_is_not_an_empty_block()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("win-1")
            .Block("10.0.0.0/26", "host:win-1", Reserve)
            .Block("10.0.0.64/26", "host:win-1", Reserve)
            .Block("10.0.0.128/26", "host:win-1", b => b.Pod(5, "default", "web", "win-1", TestCluster.PodHandle("w1")))
            .Pod(TestCluster.RunningPod("default", "web", "win-1", "10.0.0.133"));

        var result = cluster.Analyze();
        Assert.Empty(result.Findings);

        var healthy = cluster.Analyze(o => o with { IncludeHealthy = true }).Of(FindingKind.EmptyBlock);
        Assert.Equal(2, healthy.Count);
        Assert.All(healthy, f => Assert.Equal("WindowsReservedOnly", f.Detail));
        Assert.All(healthy, f => Assert.False(f.Releasable));
    }

    [Fact]
    public void Block_of_a_deleted_node_holding_only_windows_reserved_addresses_is_empty()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Block("10.0.0.0/26", "host:dead-win", Reserve);

        var block = Assert.Single(cluster.Analyze().Findings);

        Assert.Equal(FindingKind.DeletedNodeBlock, block.Kind);
        Assert.Equal("Empty", block.Detail);
        Assert.True(block.Releasable);
        Assert.Contains("Windows-reserved", block.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cooling_down_address_is_not_a_leak()
    {
        // §6 scenario 2: no nodes, pods or handles; ordinal 0 released a minute ago.
        var cluster = new TestCluster().Pool("192.168.0.0/24")
            .Block("192.168.0.0/30", null, b => b.Cooling(0, TestCluster.Now.AddMinutes(-1)));

        var result = cluster.Analyze();
        Assert.Empty(result.Findings);
        Assert.True(result.State("192.168.0.0").CoolingDown);

        var healthy = cluster.Analyze(o => o with { IncludeHealthy = true });
        var cooling = healthy.Single(FindingKind.CoolingDown, "192.168.0.0");
        Assert.False(cooling.Releasable);
        Assert.Equal(TimeSpan.FromMinutes(1), cooling.Age);
    }

    [Fact]
    public void Block_holding_only_a_cooling_down_address_is_not_empty()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Block("10.0.0.0/26", "host:node-a", b => b.Cooling(3, TestCluster.Now.AddSeconds(-30)))
            .EmptyBlock("10.0.0.64/26", "host:node-a");

        var empty = Assert.Single(cluster.Analyze().Of(FindingKind.EmptyBlock));

        Assert.Equal("10.0.0.64/26", empty.Block);
        Assert.True(empty.Releasable);
    }

    [Fact]
    public void Deleted_node_block_with_a_cooling_down_address_waits()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16")
            .Block("10.0.0.0/26", "host:dead", b => b.Cooling(3, TestCluster.Now.AddSeconds(-30)));

        var block = Assert.Single(cluster.Analyze().Of(FindingKind.DeletedNodeBlock));

        Assert.False(block.Releasable);
        Assert.Equal("CoolingDown", block.Detail);
    }

    [Theory]
    [InlineData(30, "cooling down (ipCooldownSeconds 120)")]
    [InlineData(300, "ended at 2025-06-01T11:57:00.0000000+00:00")]
    public void Cooling_down_reason_says_whether_the_cooldown_is_over(int secondsAgo, string expected)
    {
        var cluster = new TestCluster { Settings = IpamSettings.Defaults with { IpCooldownSeconds = 120 } }.Pool("192.168.0.0/24")
            .Block("192.168.0.0/30", null, b => b.Cooling(0, TestCluster.Now.AddSeconds(-secondsAgo)));

        var cooling = cluster.Analyze(o => o with { IncludeHealthy = true }).Single(FindingKind.CoolingDown, "192.168.0.0");

        Assert.False(cooling.Releasable);
        Assert.Contains(expected, cooling.Reason, StringComparison.Ordinal);
    }
}
