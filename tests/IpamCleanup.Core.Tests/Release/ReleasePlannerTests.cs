using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Core.Tests.Release;

public sealed class ReleasePlannerTests
{
    [Fact]
    public void Leaked_addresses_are_batched_per_block_with_a_description_naming_the_block()
    {
        var findings = new[]
        {
            Leak("10.0.0.9", "10.0.0.0/26"),
            Leak("10.0.0.70", "10.0.0.64/26"),
            Leak("10.0.0.5", "10.0.0.0/26"),
            Tunnel("10.0.0.1", "10.0.0.0/26"),
        };

        var plan = ReleasePlanner.Plan(findings);

        Assert.Empty(plan.Decided);
        Assert.Equal(2, plan.Items.Count);
        var first = plan.Items[0];
        Assert.Equal(ReleaseWorkKind.ReleaseIps, first.Kind);
        Assert.Equal("10-0-0-0-26", first.ObjectName);
        Assert.Equal("release 3 IPs from IPAMBlock 10-0-0-0-26 (10.0.0.0/26)", first.Description);
        Assert.Equal("IPAMBlock 10-0-0-0-26 (10.0.0.0/26)", first.Target);
        Assert.Equal("Release 3 IPs (10.0.0.1, 10.0.0.5, 10.0.0.9)", first.Action);
        Assert.Equal(new[] { "10.0.0.1", "10.0.0.5", "10.0.0.9" }, first.Findings.Select(f => f.IP));
        Assert.Equal("release 1 IP from IPAMBlock 10-0-0-64-26 (10.0.0.64/26)", plan.Items[1].Description);
        Assert.Equal(4, plan.FindingCount);
    }

    [Fact]
    public void Each_handle_block_and_affinity_finding_is_its_own_item_after_the_address_batches()
    {
        var findings = new[]
        {
            new Finding { Kind = FindingKind.OrphanAffinity, Releasable = true, Reason = "r", Action = "a", Node = "n1", Block = "10.0.1.0/26", AffinityName = "n1-10-0-1-0-26" },
            new Finding { Kind = FindingKind.EmptyBlock, Releasable = true, Reason = "r", Action = "a", Node = "n1", Block = "10.0.0.64/26" },
            new Finding { Kind = FindingKind.DeletedNodeBlock, Releasable = true, Reason = "r", Action = "a", Node = "gone", Block = "10.0.0.128/26", Detail = "Empty" },
            new Finding { Kind = FindingKind.OrphanHandle, Releasable = true, Reason = "r", Action = "a", Handle = "Leaked-Handle", HandleResourceVersion = "7" },
            Leak("10.0.0.5", "10.0.0.0/26"),
        };

        var plan = ReleasePlanner.Plan(findings);

        Assert.Equal(
            new[] { ReleaseWorkKind.ReleaseIps, ReleaseWorkKind.DeleteOrphanHandle, ReleaseWorkKind.ReleaseDeletedNodeBlock, ReleaseWorkKind.ReleaseEmptyBlock, ReleaseWorkKind.DeleteOrphanAffinity },
            plan.Items.Select(i => i.Kind));
        Assert.Equal(Enumerable.Range(0, 5), plan.Items.Select(i => i.Id));
        Assert.Equal("leaked-handle", plan.Items[1].ObjectName);
        Assert.Equal("delete orphan IPAMHandle leaked-handle", plan.Items[1].Description);
        Assert.Equal("delete the block and its affinity: IPAMBlock 10-0-0-128-26 (10.0.0.128/26) of deleted node gone", plan.Items[2].Description);
        Assert.Equal("release empty IPAMBlock 10-0-0-64-26 (10.0.0.64/26) of node n1 and its affinity", plan.Items[3].Description);
        Assert.Equal("n1", plan.Items[3].Node);
        Assert.Equal("delete orphan BlockAffinity n1-10-0-1-0-26 (node n1, 10.0.1.0/26)", plan.Items[4].Description);
    }

    [Theory]
    [InlineData(FindingKind.UnknownAllocation)]
    [InlineData(FindingKind.InUseNotAllocated)]
    [InlineData(FindingKind.MultipleOwners)]
    [InlineData(FindingKind.CorruptBlock)]
    [InlineData(FindingKind.PartialHandle)]
    [InlineData(FindingKind.MissingHandle)]
    [InlineData(FindingKind.CoolingDown)]
    public void Report_only_kinds_become_FindingNotReleasable(FindingKind kind)
    {
        var finding = Leak("10.0.0.5", "10.0.0.0/26") with { Kind = kind };

        var plan = ReleasePlanner.Plan(new[] { finding });

        Assert.Empty(plan.Items);
        var result = Assert.Single(plan.Decided);
        Assert.Same(finding, result.Finding);
        Assert.Equal(ReleaseStatus.Failed, result.Status);
        Assert.Equal(ReleaseErrorIds.FindingNotReleasable, result.ErrorId);
        Assert.Equal("InvalidArgument", result.Error!.Category);
    }

    [Fact]
    public void A_kind_the_calling_cmdlet_does_not_accept_is_FindingNotReleasable()
    {
        var emptyBlock = new Finding { Kind = FindingKind.EmptyBlock, Releasable = true, Reason = "r", Action = "a", Node = "n1", Block = "10.0.0.64/26" };

        var plan = ReleasePlanner.Plan(new[] { emptyBlock, Leak("10.0.0.5", "10.0.0.0/26") }, ReleasePlanner.AddressKinds);

        var result = Assert.Single(plan.Decided);
        Assert.Equal(ReleaseErrorIds.FindingNotReleasable, result.ErrorId);
        Assert.Contains("Remove-CalicoEmptyBlock", result.Error!.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(ReleaseWorkKind.ReleaseIps, Assert.Single(plan.Items).Kind);
    }

    [Fact]
    public void The_same_address_twice_is_released_once_and_the_repeat_is_skipped_as_Duplicate()
    {
        var first = Leak("10.0.0.5", "10.0.0.0/26");
        var again = Leak("10.0.0.5", "10.0.0.0/26");

        var plan = ReleasePlanner.Plan(new[] { first, again });

        Assert.Same(first, Assert.Single(Assert.Single(plan.Items).Findings));
        var duplicate = Assert.Single(plan.Decided);
        Assert.Same(again, duplicate.Finding);
        Assert.Equal(ReleaseSkipReason.Duplicate, duplicate.Reason);
    }

    [Fact]
    public void Report_only_findings_of_a_releasable_kind_are_skipped_with_the_scan_reason()
    {
        var young = Leak("10.0.0.5", "10.0.0.0/26") with { Releasable = false, Reason = "Pod default/web-0 no longer exists; not released because it is younger than MinimumAge." };

        var plan = ReleasePlanner.Plan(new[] { young });

        Assert.Empty(plan.Items);
        var result = Assert.Single(plan.Decided);
        Assert.Equal(ReleaseStatus.Skipped, result.Status);
        Assert.Equal(ReleaseSkipReason.NotReleasable, result.Reason);
        Assert.Contains("younger than MinimumAge", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "10.0.0.0/26", "k8s-pod-network.abc", 1UL, "parseable IP")]
    [InlineData("10.0.0.5", null, "k8s-pod-network.abc", 1UL, "parseable Block")]
    [InlineData("10.0.1.5", "10.0.0.0/26", "k8s-pod-network.abc", 1UL, "Block containing its IP")]
    [InlineData("10.0.0.5", "10.0.0.0/26", null, 1UL, "Handle")]
    [InlineData("10.0.0.5", "10.0.0.0/26", "k8s-pod-network.abc", null, "SequenceNumber")]
    public void An_address_finding_without_what_the_write_time_check_needs_is_FindingIncomplete(string? ip, string? block, string? handle, ulong? sequence, string missing)
    {
        var finding = new Finding { Kind = FindingKind.LeakedIp, Releasable = true, Reason = "r", Action = "a", IP = ip, Block = block, Handle = handle, SequenceNumber = sequence };

        var result = Assert.Single(ReleasePlanner.Plan(new[] { finding }).Decided);

        Assert.Equal(ReleaseErrorIds.FindingIncomplete, result.ErrorId);
        Assert.Contains("no " + missing, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_orphan_handle_needs_its_scanned_resourceVersion()
    {
        var finding = new Finding { Kind = FindingKind.OrphanHandle, Releasable = true, Reason = "r", Action = "a", Handle = "h" };

        Assert.Equal(ReleaseErrorIds.FindingIncomplete, Assert.Single(ReleasePlanner.Plan(new[] { finding }).Decided).ErrorId);
    }

    [Fact]
    public void IPv6_blocks_and_addresses_are_named_and_ordered_as_Calico_prints_them()
    {
        var plan = ReleasePlanner.Plan(new[]
        {
            Leak("fd00:10::1:a", "fd00:10::1:0/122"),
            Leak("FD00:10::1:2", "fd00:10:0::1:0/122"),
        });

        var item = Assert.Single(plan.Items);
        Assert.Equal("fd00-10--1-0-122", item.ObjectName);
        Assert.Equal("fd00:10::1:0/122", item.Cidr);
        Assert.Equal(new[] { "FD00:10::1:2", "fd00:10::1:a" }, item.Findings.Select(f => f.IP));
    }

    [Fact]
    public void A_long_address_batch_lists_the_first_eight_addresses()
    {
        var findings = Enumerable.Range(1, 10).Select(i => Leak("10.0.0." + i, "10.0.0.0/26")).ToArray();

        var item = Assert.Single(ReleasePlanner.Plan(findings).Items);

        Assert.Equal("Release 10 IPs (10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4, 10.0.0.5, 10.0.0.6, 10.0.0.7, 10.0.0.8 and 2 more)", item.Action);
    }

    private static Finding Leak(string ip, string block) => new()
    {
        Kind = FindingKind.LeakedIp,
        Releasable = true,
        IP = ip,
        Block = block,
        Handle = "k8s-pod-network." + ip,
        SequenceNumber = 7,
        Reason = "pod gone",
        Action = "release",
    };

    private static Finding Tunnel(string ip, string block) => Leak(ip, block) with { Kind = FindingKind.LeakedTunnelIp, Handle = "vxlan-tunnel-addr-gone" };
}
