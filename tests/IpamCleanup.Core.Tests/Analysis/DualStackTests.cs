using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

public class DualStackTests
{
    private static TestCluster DualStack() => new TestCluster().Pool("10.0.0.0/16").Pool("fd00::/64", 122).Node("node-a");

    [Fact]
    public void Single_stack_kubernetes_over_dual_stack_calico_keeps_the_v6_half_via_the_calico_annotation()
    {
        // §5 item 8: status shows only IPv4; Calico's annotation lists both families.
        var pod = TestCluster.RunningPod("default", "web", "node-a", "10.0.0.5") with { AnnotationPodIPs = "10.0.0.5/32,fd00::5/128" };
        var cluster = DualStack().Pod(pod)
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(5, "default", "web", "node-a", TestCluster.PodHandle("d5")))
            .Block("fd00::/122", "host:node-a", b => b.Pod(5, "default", "web", "node-a", TestCluster.PodHandle("d5")));

        var result = cluster.Analyze();

        Assert.Empty(result.Findings);
        Assert.False(result.State("fd00::5").Releasable);
    }

    [Fact]
    public void V6_half_missing_from_status_and_annotation_is_a_partial_handle_and_nothing_is_released()
    {
        // §6 scenario 19: the handle also holds a valid IPv4 address, so the IPv6 leak waits (all or none).
        var pod = TestCluster.RunningPod("default", "web", "node-a", "10.0.0.0");
        var cluster = DualStack().Pod(pod)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(0, "default", "web", "node-a", "test-handle"))
            .Block("fd00::/122", "host:node-a", b => b.Pod(0, "default", "web", "node-a", "test-handle"));

        var result = cluster.Analyze();

        var partial = result.Single(FindingKind.PartialHandle, "fd00::");
        Assert.False(partial.Releasable);
        Assert.Contains("all or none", partial.Reason, StringComparison.Ordinal);
        Assert.Contains("10.0.0.0", partial.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Releasable());
        Assert.Empty(result.Of(FindingKind.LeakedIp));
    }

    [Fact]
    public void Both_halves_are_released_together_once_the_pod_is_gone()
    {
        var cluster = DualStack()
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(0, "default", "web", "node-a", "test-handle", sequence: 7))
            .Block("fd00::/122", "host:node-a", b => b.Pod(0, "default", "web", "node-a", "test-handle", sequence: 9));

        var result = cluster.Analyze();

        var v4 = result.Single(FindingKind.LeakedIp, "10.0.0.0");
        var v6 = result.Single(FindingKind.LeakedIp, "fd00::");
        Assert.True(v4.Releasable);
        Assert.True(v6.Releasable);
        Assert.Equal(7UL, v4.SequenceNumber);
        Assert.Equal(9UL, v6.SequenceNumber);
        Assert.Equal("fd00::/122", v6.Block);
    }

    [Fact]
    public void A_handle_is_held_as_a_whole_when_one_of_its_addresses_cannot_be_released()
    {
        // The IPv6 half sits in a corrupt block: the healthy IPv4 half must wait too.
        var cluster = DualStack()
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(0, "default", "web", "node-a", "test-handle"))
            .Block("fd00::/122", "host:node-a", b =>
            {
                b.Pod(0, "default", "web", "node-a", "test-handle");
                b.Corrupt = block => block with { Unallocated = block.Unallocated.Append(1).ToArray() };
            });

        var result = cluster.Analyze();

        var v4 = result.Single(FindingKind.LeakedIp, "10.0.0.0");
        Assert.False(v4.Releasable);
        Assert.Contains("all or none", v4.Reason, StringComparison.Ordinal);
        Assert.False(result.Single(FindingKind.LeakedIp, "fd00::").Releasable);
    }
}
