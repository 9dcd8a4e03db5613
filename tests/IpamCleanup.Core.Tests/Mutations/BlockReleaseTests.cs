using System.Net;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Mutations;
using IpamCleanup.Core.Tests.TestSupport;

namespace IpamCleanup.Core.Tests.Mutations;

/// <summary>Classic release (calico-ipam.md §4c block.release, §4f F3; §6 rows 6, 12, 13, 14).</summary>
public class BlockReleaseTests
{
    private const ulong BlockSequence = 1_735_725_600_000_000_042UL;

    private static ReleaseRequest Request(string ip, string? handle = null, ulong? sequence = null) => new(IPAddress.Parse(ip), handle, sequence);

    private static int[] UnallocatedTail(IpamBlockObject block, int count) => block.Unallocated.TakeLast(count).ToArray();

    private static int?[] AllocatedOrdinals(IpamBlockObject block) =>
        block.Allocations.Select((index, ordinal) => index is null ? null : (int?)ordinal).Where(o => o is not null).ToArray();

    private static void AssertValid(IpamBlockObject block) =>
        Assert.Empty(BlockValidator.Validate(block.ToBlockInfo()));

    [Fact]
    public void Releasing_one_ip_frees_the_ordinal_appends_it_to_the_tail_and_bumps_the_sequence_number()
    {
        var block = new TestBlock("100.64.0.0/24").Allocate(new[] { 13 }, "unlucky", sequence: 40).ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("100.64.0.13", "unlucky", 40) });

        Assert.True(result.Succeeded);
        Assert.True(result.BlockModified);
        Assert.Equal(new[] { IPAddress.Parse("100.64.0.13") }, result.Released);
        Assert.Equal(1, result.ReleasedByHandle["unlucky"]);
        Assert.Null(block.Allocations[13]);
        Assert.Equal(new[] { 13 }, UnallocatedTail(block, 1));
        Assert.Empty(block.Attributes);
        Assert.False(block.SequenceNumberForAllocation.ContainsKey(13));
        Assert.Equal(BlockSequence + 1, block.SequenceNumber);
        AssertValid(block);
    }

    [Fact]
    public void Releasing_one_of_three_ips_sharing_an_attribute_keeps_the_attribute()
    {
        var block = new TestBlock("100.64.0.0/24").Allocate(new[] { 13, 26, 39 }, "lucky").ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("100.64.0.13") });

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.ReleasedByHandle["lucky"]);
        Assert.Equal(new int?[] { 26, 39 }, AllocatedOrdinals(block));
        Assert.Single(block.Attributes);
        Assert.Equal("lucky", block.Attributes[0].HandleId);
        AssertValid(block);
    }

    [Fact]
    public void Releasing_every_ip_sharing_an_attribute_removes_the_attribute()
    {
        var block = new TestBlock("100.64.0.0/24").Allocate(new[] { 13, 26, 39 }, "lucky").ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("100.64.0.13"), Request("100.64.0.26"), Request("100.64.0.39") });

        Assert.Equal(3, result.ReleasedByHandle["lucky"]);
        Assert.Empty(AllocatedOrdinals(block));
        Assert.Empty(block.Attributes);
        Assert.Equal(new[] { 13, 26, 39 }, UnallocatedTail(block, 3));
        AssertValid(block);
    }

    [Fact]
    public void Removing_an_attribute_re_indexes_the_later_allocations_and_keeps_their_unknown_fields()
    {
        var block = new TestBlock("10.0.0.0/29")
            .Allocate(new[] { 1 }, "a")
            .Allocate(new[] { 2 }, "b")
            .Allocate(new[] { 3, 4 }, "c", new Dictionary<string, string> { ["pod"] = "web-0", ["namespace"] = "default" })
            .ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.2", "b") });

        Assert.True(result.Succeeded);
        Assert.Equal(new int?[] { null, 0, null, 1, 1, null, null, null }, block.Allocations);
        Assert.Equal(new[] { "a", "c" }, block.Attributes.Select(a => a.HandleId));
        Assert.Equal("web-0", block.Attributes[1].Get("pod"));
        Assert.Equal("kept", block.AttributeNodes![1]!["futureAttributeField"]!.GetValue<string>());
        AssertValid(block);
    }

    [Fact]
    public void Released_ordinals_are_appended_to_the_tail_in_request_order()
    {
        var block = new TestBlock("10.0.0.0/29").Allocate(new[] { 3 }, "x").Allocate(new[] { 5 }, "y").ToObject();
        var headBefore = block.Unallocated.ToArray();

        BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.5"), Request("10.0.0.3") });

        Assert.Equal(headBefore.Concat(new[] { 5, 3 }), block.Unallocated);
    }

    [Fact]
    public void Wrong_handle_fails_the_whole_batch_and_leaves_the_block_unchanged()
    {
        var block = new TestBlock("100.64.0.0/24").Allocate(new[] { 13 }, "ok").Allocate(new[] { 100 }, "newstuff").ToObject();
        var before = block.ToJsonString();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("100.64.0.13", "ok"), Request("100.64.0.100", "oldstuff") });

        Assert.False(result.Succeeded);
        Assert.Equal(ReleaseFailureReason.HandleMismatch, result.Failure!.Reason);
        Assert.Equal(IPAddress.Parse("100.64.0.100"), result.Failure.Address);
        Assert.Equal("the given handle (oldstuff) does not match (newstuff) when attempting to release IP 100.64.0.100", result.Failure.Message);
        Assert.Empty(result.Released);
        Assert.Equal(before, block.ToJsonString());
    }

    [Fact]
    public void Wrong_sequence_number_fails_the_whole_batch_and_leaves_the_block_unchanged()
    {
        var block = new TestBlock("100.64.0.0/24").Allocate(new[] { 12 }, "other", sequence: 9).Allocate(new[] { 13 }, "unlucky", sequence: 10).ToObject();
        var before = block.ToJsonString();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("100.64.0.12", "other", 9), Request("100.64.0.13", "unlucky", 999) });

        Assert.Equal(ReleaseFailureReason.SequenceNumberMismatch, result.Failure!.Reason);
        Assert.Equal("the given sequence number (999) does not match (10) when attempting to release IP 100.64.0.13", result.Failure.Message);
        Assert.Equal(before, block.ToJsonString());
    }

    [Fact]
    public void A_missing_per_ordinal_sequence_number_reads_as_zero()
    {
        var block = new TestBlock("10.0.0.0/30", sequenceNumber: 0).Allocate(new[] { 1 }, "old").ToObject();

        Assert.True(BlockRelease.ReleaseClassic(block.DeepClone(), new[] { Request("10.0.0.1", "old", 0) }).Succeeded);
        Assert.Equal(ReleaseFailureReason.SequenceNumberMismatch, BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.1", "old", 1) }).Failure!.Reason);
    }

    [Fact]
    public void Stale_sequence_number_after_release_and_reallocation_with_the_same_handle_is_rejected()
    {
        // §6 row 6: the tunnel IP is released and re-assigned with handle H; the old sequence number no longer matches.
        const ulong s = 500;
        var block = new TestBlock("10.0.0.0/30", sequenceNumber: s + 1).Allocate(new[] { 0 }, "H", sequence: s).ToObject();
        Assert.True(BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.0", "H", s) }).Succeeded);

        // Re-allocation as libcalico does it: record the current block number for the ordinal, then bump it.
        var reallocated = new TestBlock("10.0.0.0/30", sequenceNumber: block.SequenceNumber + 1)
            .Allocate(new[] { 0 }, "H", sequence: block.SequenceNumber).ToObject();
        var before = reallocated.ToJsonString();

        var stale = BlockRelease.ReleaseClassic(reallocated, new[] { Request("10.0.0.0", "H", s) });
        Assert.Equal(ReleaseFailureReason.SequenceNumberMismatch, stale.Failure!.Reason);
        Assert.Equal(before, reallocated.ToJsonString());

        var fresh = BlockRelease.ReleaseClassic(reallocated, new[] { Request("10.0.0.0", "H", s + 2) });
        Assert.True(fresh.Succeeded);
        Assert.Single(fresh.Released);
    }

    [Fact]
    public void Duplicate_requests_for_one_ip_free_it_exactly_once()
    {
        // §6 row 12: a fully allocated /26 and ReleaseIPs(x, x).
        var block = new TestBlock("10.0.0.0/26").Allocate(Enumerable.Range(0, 64).ToArray(), "full").ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.7", "full"), Request("10.0.0.7", "full") });

        Assert.True(result.Succeeded);
        Assert.Single(result.Released);
        Assert.Equal(1, result.ReleasedByHandle["full"]);
        Assert.Equal(new[] { 7 }, block.Unallocated);
        Assert.Single(block.Attributes);
        Assert.Equal(63, block.AllocatedCount);
        Assert.Equal(BlockSequence + 1, block.SequenceNumber);
        AssertValid(block);
    }

    [Fact]
    public void Unallocated_ips_are_reported_already_free_and_nothing_is_written()
    {
        var block = new TestBlock("100.64.0.0/24").ToObject();
        var before = block.ToJsonString();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("100.64.0.13", "unlucky", 5) });

        Assert.True(result.Succeeded);
        Assert.False(result.BlockModified);
        Assert.False(result.ShouldDeleteBlock);
        Assert.Equal(new[] { IPAddress.Parse("100.64.0.13") }, result.AlreadyFree);
        Assert.Empty(result.ReleasedByHandle);
        Assert.Equal(before, block.ToJsonString());
    }

    [Fact]
    public void Address_outside_the_block_fails_the_batch()
    {
        var block = new TestBlock("10.0.0.0/30").Allocate(new[] { 1 }, "h").ToObject();
        var before = block.ToJsonString();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.1"), Request("10.0.0.9") });

        Assert.Equal(ReleaseFailureReason.AddressNotInBlock, result.Failure!.Reason);
        Assert.Equal(before, block.ToJsonString());
    }

    [Fact]
    public void Cooldown_entry_is_not_releasable()
    {
        var block = new TestBlock("10.0.0.0/30").Allocate(new[] { 1 }, null, releasedAt: "2025-01-01T00:00:00Z").ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.1") });

        Assert.Equal(ReleaseFailureReason.CoolingDown, result.Failure!.Reason);
    }

    [Fact]
    public void Stored_handle_is_sanitised_before_comparing_and_counting()
    {
        var block = new TestBlock("10.0.0.0/30").Allocate(new[] { 1 }, "k8s-pod-network.abc\r\neth0").ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.1", "k8s-pod-network.abc") });

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.ReleasedByHandle["k8s-pod-network.abc"]);
    }

    [Fact]
    public void Allocation_without_a_handle_fails_a_request_that_names_a_handle()
    {
        var block = new TestBlock("10.0.0.0/30").Allocate(new[] { 1 }, null).ToObject();

        Assert.Equal(ReleaseFailureReason.HandleMismatch, BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.1", "h") }).Failure!.Reason);
    }

    [Fact]
    public void Block_holding_only_windows_reserved_ips_counts_as_empty_after_the_release()
    {
        // §6 row 14: libcalico's empty() ignores windows-reserved-ipam-handle allocations (case-insensitive).
        var block = new TestBlock("10.0.0.0/29")
            .Allocate(new[] { 0, 1, 2, 7 }, "Windows-Reserved-IPAM-Handle", new Dictionary<string, string> { ["note"] = "windows host rsvd" })
            .Allocate(new[] { 4 }, "k8s-pod-network.dead")
            .ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.4", "k8s-pod-network.dead") });

        Assert.True(result.BlockIsEmpty);
        Assert.True(result.BlockHasAffinity);
        Assert.False(result.ShouldDeleteBlock);
        Assert.True(block.ContainsOnlyReservedIPs());
        Assert.Equal(4, block.AllocatedCount);
    }

    [Fact]
    public void Empty_block_without_affinity_is_to_be_deleted()
    {
        var block = new TestBlock("10.0.0.0/30", affinity: null).Allocate(new[] { 2 }, "h").ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.2", "h") });

        Assert.True(result.BlockIsEmpty);
        Assert.False(result.BlockHasAffinity);
        Assert.True(result.ShouldDeleteBlock);
    }

    [Fact]
    public void Remaining_handle_less_allocation_keeps_the_block_non_empty()
    {
        var block = new TestBlock("10.0.0.0/30", affinity: null).Allocate(new[] { 1 }, null).Allocate(new[] { 2 }, "h").ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.2", "h") });

        Assert.False(result.BlockIsEmpty);
        Assert.False(result.ShouldDeleteBlock);
    }

    [Fact]
    public void Block_with_a_dangling_attribute_index_is_refused_unchanged()
    {
        var block = new TestBlock("10.0.0.0/30").Allocate(new[] { 1 }, "h").With(spec => spec["allocations"]![3] = 99).ToObject();
        var before = block.ToJsonString();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.1", "h") });

        Assert.Equal(ReleaseFailureReason.MalformedBlock, result.Failure!.Reason);
        Assert.Contains("allocation 3 indexes a nonexistent attribute 99", result.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, block.ToJsonString());
    }

    [Fact]
    public void Block_with_an_unreadable_per_ordinal_sequence_number_is_refused()
    {
        var block = new TestBlock("10.0.0.0/30").Allocate(new[] { 1 }, "h").With(spec => spec["sequenceNumberForAllocation"]!["1"] = "soon").ToObject();

        Assert.Equal(ReleaseFailureReason.MalformedBlock, BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.1", "h", 0) }).Failure!.Reason);
    }

    [Fact]
    public void Ipv6_block_release_uses_ordinal_arithmetic()
    {
        var block = new TestBlock("fd5f:abcd:64::/122").Allocate(new[] { 63 }, "h6", sequence: 3).ToObject();

        var result = BlockRelease.ReleaseClassic(block, new[] { Request("fd5f:abcd:64::3f", "h6", 3) });

        Assert.True(result.Succeeded);
        Assert.Null(block.Allocations[63]);
        AssertValid(block);
    }

    [Fact]
    public void Release_keeps_every_field_it_does_not_own()
    {
        var block = new TestBlock("10.0.0.0/30").Allocate(new[] { 1 }, "h").ToObject();

        BlockRelease.ReleaseClassic(block, new[] { Request("10.0.0.1", "h") });

        var json = JsonNode.Parse(block.ToJsonString())!;
        Assert.Equal("two", json["spec"]!["futureSpecField"]!["nested"]![1]!.GetValue<string>());
        Assert.Equal("calico", json["metadata"]!["managedFields"]![0]!["manager"]!.GetValue<string>());
        Assert.True(json["status"]!["unknown"]!.GetValue<bool>());
        Assert.Equal("host:node-a", block.Affinity);
        Assert.False(json["spec"]!["strictAffinity"]!.GetValue<bool>());
    }
}
