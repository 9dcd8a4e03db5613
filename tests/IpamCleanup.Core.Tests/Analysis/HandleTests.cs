using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

public class HandleTests
{
    [Fact]
    public void Handle_no_block_references_is_a_releasable_orphan_with_its_revision_and_uid()
    {
        // §6 scenario 3 (check part): one allocated IP with handle TestIPAMCleanup, and a raw leaked-handle.
        var cluster = new TestCluster().Pool("10.66.0.0/16")
            .Block("10.66.0.0/26", null, b => b.Attributes(0, "TestIPAMCleanup"))
            .Handle("leaked-handle", blocks: ("10.65.79.0/26", 1));

        var result = cluster.Analyze();

        var orphan = Assert.Single(result.Of(FindingKind.OrphanHandle));
        Assert.True(orphan.Releasable);
        Assert.Equal("leaked-handle", orphan.Handle);
        Assert.Equal("rv-leaked-handle", orphan.HandleResourceVersion);
        Assert.False(string.IsNullOrEmpty(orphan.HandleUid));
        Assert.Contains("10.65.79.0/26", orphan.Reason, StringComparison.Ordinal);
        Assert.StartsWith("Delete handle leaked-handle", orphan.Action, StringComparison.Ordinal);

        // The allocated IP names no pod: calicoctl would release it, we only report it.
        Assert.False(result.Single(FindingKind.UnknownAllocation, "10.66.0.0").Releasable);
        Assert.Empty(result.Of(FindingKind.MissingHandle));
    }

    [Fact]
    public void Young_orphan_handle_is_not_releasable()
    {
        // F4: a CNI ADD creates the handle before it writes the block.
        var cluster = new TestCluster().Pool("10.0.0.0/16").Handle(TestCluster.PodHandle("young"), TestCluster.Now.AddSeconds(-20));

        var orphan = Assert.Single(cluster.Analyze().Of(FindingKind.OrphanHandle));

        Assert.False(orphan.Releasable);
        Assert.Contains("younger than MinimumAge", orphan.Reason, StringComparison.Ordinal);
        Assert.Equal("report only", orphan.Action);
    }

    [Fact]
    public void Handle_id_with_a_carriage_return_suffix_in_the_block_finds_its_handle()
    {
        // cni-plugin issue 821: host-local migration left "\r..." after the handle in the block attribute.
        var cluster = new TestCluster { AutoHandles = false }.Pool("10.0.0.0/16").Node("node-a")
            .Pod(TestCluster.RunningPod("default", "web", "node-a", "10.0.0.1"))
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(1, "default", "web", "node-a", "k8s-pod-network.abc\rjunk"))
            .Handle("k8s-pod-network.abc");

        var result = cluster.Analyze();

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Leak_with_a_carriage_return_handle_reports_both_forms()
    {
        var cluster = new TestCluster { AutoHandles = false }.Pool("10.0.0.0/16").Node("node-a")
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(1, "default", "gone", "node-a", "k8s-pod-network.abc\rjunk"))
            .Handle("k8s-pod-network.abc");

        var leak = Assert.Single(cluster.Analyze().Findings);

        Assert.Equal("k8s-pod-network.abc", leak.Handle);
        Assert.Equal("k8s-pod-network.abc\rjunk", leak.RawHandle);
        Assert.Equal("k8s-pod-network.abc", leak.HandleName);
    }

    [Fact]
    public void Missing_handle_is_reported_and_the_leak_is_still_releasable_by_ip()
    {
        var cluster = new TestCluster { AutoHandles = false }.Pool("10.0.0.0/16").Node("node-a")
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(1, "default", "gone", "node-a", TestCluster.PodHandle("lost")));

        var result = cluster.Analyze();

        var missing = result.Single(FindingKind.MissingHandle, "10.0.0.1");
        Assert.False(missing.Releasable);
        Assert.Contains("releasing by IP", missing.Reason, StringComparison.Ordinal);
        var leak = result.Single(FindingKind.LeakedIp, "10.0.0.1");
        Assert.True(leak.Releasable);
        Assert.Null(leak.HandleName);
        Assert.Contains("does not exist, so there is nothing to decrement", leak.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_handle_of_an_address_in_use_is_reported()
    {
        var cluster = new TestCluster { AutoHandles = false }.Pool("10.0.0.0/16").Node("node-a")
            .Pod(TestCluster.RunningPod("default", "web", "node-a", "10.0.0.1"))
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(1, "default", "web", "node-a", TestCluster.PodHandle("lost")));

        var finding = Assert.Single(cluster.Analyze().Findings);

        Assert.Equal(FindingKind.MissingHandle, finding.Kind);
    }

    [Fact]
    public void Orphan_handle_whose_spec_names_a_corrupt_block_is_not_releasable()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Block("10.0.0.0/26", "host:node-a", b => b.Corrupt = block => block with { ParseErrors = new[] { "allocations[3] is \"x\"" } })
            .Handle("half-written", blocks: ("10.0.0.0/26", 1));

        var orphan = Assert.Single(cluster.Analyze().Of(FindingKind.OrphanHandle));

        Assert.False(orphan.Releasable);
        Assert.Contains("corrupt", orphan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_referenced_only_by_an_unreferenced_attribute_is_not_an_orphan()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Block("10.0.0.0/26", "host:node-a", b => b.Corrupt = block => block with
            {
                Attributes = block.Attributes.Append(new IpamCleanup.Core.Snapshot.AllocationAttribute("dangling", new Dictionary<string, string>(), false, null)).ToArray(),
            })
            .Handle("dangling");

        var result = cluster.Analyze();

        Assert.Empty(result.Of(FindingKind.OrphanHandle));
        Assert.Single(result.Of(FindingKind.CorruptBlock));
    }
}
