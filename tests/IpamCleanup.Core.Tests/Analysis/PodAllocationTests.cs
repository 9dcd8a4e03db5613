using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Tests.Analysis;

public class PodAllocationTests
{
    private static TestCluster NodeA() => new TestCluster().Pool("10.0.0.0/16").Node("node-a");

    [Fact]
    public void Leaked_ip_of_deleted_pod_is_releasable_with_handle_and_sequence()
    {
        // §6 scenario 18: the node exists, the pod does not.
        var cluster = NodeA().Block("10.0.0.0/30", "host:node-a", b => b.Pod(0, "default", "test-pod", "node-a", "test-handle", sequence: 42));

        var result = cluster.Analyze();

        var leak = result.Single(FindingKind.LeakedIp, "10.0.0.0");
        Assert.True(leak.Releasable);
        Assert.Equal("10.0.0.0/30", leak.Block);
        Assert.Equal("test-handle", leak.Handle);
        Assert.Equal(42UL, leak.SequenceNumber);
        Assert.Equal("default", leak.Namespace);
        Assert.Equal("test-pod", leak.Pod);
        Assert.Equal("node-a", leak.Node);
        Assert.Equal("10-0-0-0-30", leak.BlockName);
        Assert.Equal("brv-1", leak.BlockResourceVersion);
        Assert.Equal(1_000UL, leak.BlockSequenceNumber);
        Assert.Equal("test-handle", leak.HandleName);
        Assert.Equal("rv-test-handle", leak.HandleResourceVersion);
        Assert.Equal(TestCluster.Guid, leak.ClusterGuid);
        Assert.Equal(TestCluster.Now, leak.ObservedAt);
        Assert.Equal(TimeSpan.FromHours(2), leak.Age);
        Assert.Contains("no longer exists", leak.Reason, StringComparison.Ordinal);
        Assert.Equal("Release IP 10.0.0.0 from block 10.0.0.0/30 with handle test-handle and sequence 42, then decrement handle test-handle for block 10.0.0.0/30", leak.Action);

        // The node's only block is not an empty-block finding (scenario 18: its affinity is kept).
        Assert.Empty(result.Of(FindingKind.EmptyBlock));
    }

    [Fact]
    public void Ip_of_running_pod_with_matching_status_is_not_reported()
    {
        var cluster = NodeA()
            .Pod(TestCluster.RunningPod("default", "web", "node-a", "10.0.0.1"))
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "default", "web", "node-a", TestCluster.PodHandle("aa")));

        var result = cluster.Analyze();

        Assert.Empty(result.Findings);
        var state = result.State("10.0.0.1");
        Assert.False(state.Releasable);
        Assert.Equal(new[] { "Workload(default/web)" }, state.Owners);
    }

    [Fact]
    public void Pod_that_has_not_reported_its_ip_yet_keeps_its_allocation()
    {
        // §5 item 1: CNI ADD wrote IPAM, kubelet has not filled status yet.
        var pending = TestCluster.RunningPod("default", "starting", "node-a") with { Phase = "Pending" };
        var cluster = NodeA().Pod(pending)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(0, "default", "starting", "node-a", TestCluster.PodHandle("bb")));

        var result = cluster.Analyze();

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Pod_reporting_a_different_ip_leaks_the_allocation()
    {
        // §6 scenario 26: the pod exists but reports 192.168.30.5.
        var cluster = new TestCluster().Pool("192.168.0.0/16").Node("node-a")
            .Pod(TestCluster.RunningPod("default", "other", "node-a", "192.168.30.5"))
            .Block("192.168.30.0/26", "host:node-a", b => b.Pod(5, "default", "other", "node-a", TestCluster.PodHandle("cc")))
            .Block("192.168.0.0/26", "host:node-a", b => b.Pod(3, "default", "other", "node-a", TestCluster.PodHandle("dd")));

        var result = cluster.Analyze();

        var leak = result.Single(FindingKind.LeakedIp, "192.168.0.3");
        Assert.True(leak.Releasable);
        Assert.Equal("uid-default-other", leak.PodUid);
        Assert.Contains("192.168.30.5", leak.Reason, StringComparison.Ordinal);
        Assert.Empty(result.AtIp("192.168.30.5"));
    }

    [Fact]
    public void StatefulSet_pod_recreated_under_the_same_name_leaks_the_old_allocation()
    {
        // §5 item 3: web-0 was deleted and recreated with a new sandbox and a new address.
        var web0 = TestCluster.RunningPod("prod", "web-0", "node-a", "10.0.0.9") with { AnnotationContainerId = "new" };
        var cluster = NodeA().Pod(web0)
            .Block("10.0.0.0/26", "host:node-a", b => b
                .Pod(4, "prod", "web-0", "node-a", TestCluster.PodHandle("old"))
                .Pod(9, "prod", "web-0", "node-a", TestCluster.PodHandle("new")));

        var result = cluster.Analyze();

        var leak = Assert.Single(result.Findings);
        Assert.Equal(FindingKind.LeakedIp, leak.Kind);
        Assert.Equal("10.0.0.4", leak.IP);
        Assert.True(leak.Releasable);
        Assert.Contains("earlier", leak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_naming_the_current_sandbox_keeps_the_allocation_even_when_status_lists_another_address()
    {
        var pod = TestCluster.RunningPod("prod", "api", "node-a", "10.0.0.9") with { AnnotationPodIPs = "10.0.0.9/32", AnnotationContainerId = "cafe" };
        var cluster = NodeA().Pod(pod)
            .Block("10.0.0.0/26", "host:node-a", b => b.Pod(4, "prod", "api", "node-a", TestCluster.PodHandle("cafe")).Pod(9, "prod", "api", "node-a", TestCluster.PodHandle("cafe")));

        var result = cluster.Analyze();

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Pod_rescheduled_to_another_live_node_leaks_the_allocation_made_on_the_first_node()
    {
        var moved = TestCluster.RunningPod("default", "mover", "node-b", "10.0.0.2");
        var cluster = NodeA().Node("node-b").Pod(moved)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(2, "default", "mover", "node-a", TestCluster.PodHandle("ee")));

        var leak = cluster.Analyze().Single(FindingKind.LeakedIp, "10.0.0.2");

        Assert.Contains("now runs on node node-b", leak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rescheduling_check_is_skipped_when_the_allocation_node_no_longer_exists()
    {
        // kube-controllers only compares nodes when the allocation's node is known.
        var moved = TestCluster.RunningPod("default", "mover", "node-b", "10.0.0.2");
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-b").Pod(moved)
            .Block("10.0.0.0/30", "host:node-b", b => b.Pod(2, "default", "mover", "gone-node", TestCluster.PodHandle("ee")));

        Assert.Empty(cluster.Analyze().Findings);
    }

    [Theory]
    [InlineData("Succeeded")]
    [InlineData("Failed")]
    [InlineData("Completed")]
    public void Finished_pods_own_no_addresses(string phase)
    {
        // §5 item 12: status.podIP is still filled in, but IsFinished wins.
        var done = TestCluster.RunningPod("batch", "job-1", "node-a", "10.0.0.1") with { Phase = phase };
        var cluster = NodeA().Pod(done)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "batch", "job-1", "node-a", TestCluster.PodHandle("ff")));

        var leak = cluster.Analyze().Single(FindingKind.LeakedIp, "10.0.0.1");

        Assert.True(leak.Releasable);
        Assert.Contains(phase, leak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evicted_pod_leaks_its_address()
    {
        var evicted = TestCluster.RunningPod("default", "evicted", "node-a", "10.0.0.1") with { Phase = "Failed", Reason = "Evicted" };
        var cluster = NodeA().Pod(evicted)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "default", "evicted", "node-a", TestCluster.PodHandle("ab")));

        var leak = cluster.Analyze().Single(FindingKind.LeakedIp, "10.0.0.1");

        Assert.Contains("evicted", leak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Terminating_pod_whose_annotation_was_cleared_is_leaked()
    {
        // §5 item 2: CNI DEL cleared the annotation; IPAM release is next (or failed).
        var terminating = TestCluster.RunningPod("default", "dying", "node-a", "10.0.0.1") with
        {
            DeletionTimestamp = TestCluster.Now.AddMinutes(-30),
            AnnotationPodIP = string.Empty,
            AnnotationPodIPs = string.Empty,
        };
        var cluster = NodeA().Pod(terminating)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "default", "dying", "node-a", TestCluster.PodHandle("ac")));

        var leak = cluster.Analyze().Single(FindingKind.LeakedIp, "10.0.0.1");

        Assert.True(leak.Releasable);
        Assert.Contains("terminating", leak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Terminating_pod_whose_annotation_is_still_set_is_in_use()
    {
        var terminating = TestCluster.RunningPod("default", "dying", "node-a", "10.0.0.1") with { DeletionTimestamp = TestCluster.Now.AddMinutes(-30) };
        var cluster = NodeA().Pod(terminating)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "default", "dying", "node-a", TestCluster.PodHandle("ac")));

        Assert.Empty(cluster.Analyze().Findings);
    }

    [Fact]
    public void Unscheduled_pod_without_an_ip_keeps_an_allocation_naming_it()
    {
        // §5 item 11: an unscheduled pod is no workload, but an allocation naming it follows the same rules.
        var unscheduled = new PodInfo("default", "waiting", "uid-w", null, "Pending", null, false, null, null, Array.Empty<string>(), null, null, null, null);
        var cluster = NodeA().Pod(unscheduled)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "default", "waiting", "node-a", TestCluster.PodHandle("ad")));

        Assert.Empty(cluster.Analyze().Findings);
    }

    [Fact]
    public void Allocation_naming_a_hostNetwork_pod_is_leaked_but_never_releasable()
    {
        var hostPod = TestCluster.RunningPod("kube-system", "agent", "node-a", "192.0.2.10") with { HostNetwork = true };
        var cluster = NodeA().Pod(hostPod)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "kube-system", "agent", "node-a", TestCluster.PodHandle("ae")));

        var leak = cluster.Analyze().Single(FindingKind.LeakedIp, "10.0.0.1");

        Assert.False(leak.Releasable);
        Assert.Contains("hostNetwork", leak.Reason, StringComparison.Ordinal);
        Assert.Equal("report only", leak.Action);
    }

    [Fact]
    public void HostNetwork_and_unscheduled_pod_addresses_are_not_in_use_evidence()
    {
        // A hostNetwork pod "using" an address in the pool neither protects a leak nor counts as in use but not allocated.
        var hostPod = TestCluster.RunningPod("kube-system", "agent", "node-a", "10.0.0.1", "10.0.0.2") with { HostNetwork = true };
        var unscheduled = TestCluster.RunningPod("default", "ghost", null, "10.0.0.3");
        var cluster = NodeA().Pod(hostPod).Pod(unscheduled)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "default", "gone", "node-a", TestCluster.PodHandle("af")));

        var result = cluster.Analyze();

        Assert.True(result.Single(FindingKind.LeakedIp, "10.0.0.1").Releasable);
        Assert.Empty(result.Of(FindingKind.InUseNotAllocated));
        Assert.Empty(result.Of(FindingKind.MultipleOwners));
    }

    [Fact]
    public void Leaked_address_another_live_pod_uses_is_never_released()
    {
        var thief = TestCluster.RunningPod("default", "thief", "node-a", "10.0.0.1");
        var cluster = NodeA().Pod(thief)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "default", "gone", "node-a", TestCluster.PodHandle("b0")));

        var leak = cluster.Analyze().Single(FindingKind.LeakedIp, "10.0.0.1");

        Assert.False(leak.Releasable);
        Assert.Contains("Workload(default/thief)", leak.Reason, StringComparison.Ordinal);
        Assert.Equal(new[] { "Workload(default/thief)" }, leak.Owners);
    }

    [Fact]
    public void Pod_with_an_unparseable_address_is_treated_as_in_use()
    {
        var odd = TestCluster.RunningPod("default", "odd", "node-a", "10.0.0.1") with { StatusPodIPs = new[] { "not-an-ip" }, AnnotationPodIP = null, AnnotationPodIPs = null };
        var cluster = NodeA().Pod(odd)
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(2, "default", "odd", "node-a", TestCluster.PodHandle("b1")));

        Assert.Empty(cluster.Analyze().Findings);
    }

    [Fact]
    public void Leak_younger_than_MinimumAge_is_reported_but_not_releasable()
    {
        // §5 item 1: the pod list may have been read before this pod was created.
        var cluster = NodeA()
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "default", "new", "node-a", TestCluster.PodHandle("b2"), allocated: TestCluster.Now.AddMinutes(-3)));

        var leak = cluster.Analyze().Single(FindingKind.LeakedIp, "10.0.0.1");

        Assert.False(leak.Releasable);
        Assert.Contains("younger than MinimumAge", leak.Reason, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(3), leak.Age);
    }

    [Fact]
    public void MinimumAge_option_decides_when_a_leak_becomes_releasable()
    {
        var cluster = NodeA()
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(1, "default", "new", "node-a", TestCluster.PodHandle("b2"), allocated: TestCluster.Now.AddMinutes(-3)));

        Assert.True(cluster.Analyze(o => o with { MinimumAge = TimeSpan.FromMinutes(2) }).Single(FindingKind.LeakedIp, "10.0.0.1").Releasable);
        Assert.True(cluster.Analyze(o => o with { MinimumAge = TimeSpan.Zero }).Single(FindingKind.LeakedIp, "10.0.0.1").Releasable);
        Assert.False(cluster.Analyze(o => o with { MinimumAge = TimeSpan.FromMinutes(4) }).Single(FindingKind.LeakedIp, "10.0.0.1").Releasable);
    }

    [Fact]
    public void Allocation_without_timestamp_takes_the_block_age()
    {
        var cluster = NodeA().Block("10.0.0.0/30", "host:node-a", b => b.Attributes(1, "h-no-ts", ("namespace", "default"), ("pod", "gone"), ("node", "node-a")));

        var leak = cluster.Analyze().Single(FindingKind.LeakedIp, "10.0.0.1");

        Assert.True(leak.Releasable);
        Assert.Equal(TimeSpan.FromHours(2), leak.Age);
        Assert.Contains("block's", leak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocation_of_unknown_age_is_never_releasable()
    {
        var cluster = NodeA().Block("10.0.0.0/30", "host:node-a", b =>
        {
            b.Attributes(1, "h-no-ts", ("namespace", "default"), ("pod", "gone"), ("node", "node-a"));
            b.Created = null;
        });

        var leak = cluster.Analyze().Single(FindingKind.LeakedIp, "10.0.0.1");

        Assert.False(leak.Releasable);
        Assert.Null(leak.Age);
        Assert.Contains("age is unknown", leak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Leaks_are_found_when_the_kube_controllers_gc_is_disabled()
    {
        // §6 scenario 20: leakGracePeriod 0 turns Calico's GC off; this is the situation the module exists for.
        var cluster = NodeA().Block("10.0.0.0/30", "host:node-a", b => b.Pod(0, "default", "test-pod", "node-a", "test-handle"));
        cluster.Settings = IpamSettings.Defaults with { KubeControllersConfigPresent = true, LeakGracePeriod = TimeSpan.Zero };

        Assert.True(cluster.Analyze().Single(FindingKind.LeakedIp, "10.0.0.0").Releasable);
    }
}
