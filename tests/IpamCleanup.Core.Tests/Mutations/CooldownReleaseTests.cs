using System.Net;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Mutations;
using IpamCleanup.Core.Tests.TestSupport;

namespace IpamCleanup.Core.Tests.Mutations;

/// <summary>v3.33 cooldown release and libcalico's block garbage collection (calico-ipam.md §4c, §4f F3 cooldown mode, §5 item 29).</summary>
public class CooldownReleaseTests
{
    private const ulong BlockSequence = 1_735_725_600_000_000_042UL;
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, 250, TimeSpan.Zero);

    private static ReleaseRequest Request(string ip, string? handle = null, ulong? sequence = null) => new(IPAddress.Parse(ip), handle, sequence);

    [Fact]
    public void Released_addresses_stay_allocated_to_one_releasedAt_entry_until_the_cooldown_ends()
    {
        var block = new TestBlock("10.0.0.0/28").Allocate(new[] { 3 }, "dead", sequence: 7).Allocate(new[] { 5 }, "live", sequence: 8).ToObject();

        var result = BlockRelease.ReleaseWithCooldown(block, new[] { Request("10.0.0.3", "dead", 7) }, Now, 300);

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.ReleasedByHandle["dead"]);
        Assert.False(result.BlockIsEmpty);
        Assert.False(result.ShouldDeleteBlock);
        var attributes = block.Attributes;
        Assert.Equal(2, attributes.Count);
        var cooling = attributes[block.Allocations[3]!.Value];
        Assert.Null(cooling.HandleId);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), cooling.ReleasedAt);
        Assert.Equal("live", attributes[block.Allocations[5]!.Value].HandleId);
        Assert.DoesNotContain(3, block.Unallocated);

        // The ordinal keeps its sequence number until it is freed (as libcalico's release); the block's goes up by one.
        Assert.Equal(7UL, block.SequenceNumberForOrdinal(3));
        Assert.Equal(8UL, block.SequenceNumberForOrdinal(5));
        Assert.Equal(BlockSequence + 1, block.SequenceNumber);
        Assert.Empty(BlockValidator.Validate(block.ToBlockInfo(), Now));
        Assert.Equal("2026-11-25T10:00:00Z", block.AttributeNodes![block.Allocations[3]!.Value]!["releasedAt"]!.GetValue<string>());
    }

    [Fact]
    public void A_cooled_down_address_cannot_be_released_again()
    {
        var block = new TestBlock("10.0.0.0/28").Allocate(new[] { 3 }, "dead").ToObject();
        Assert.True(BlockRelease.ReleaseWithCooldown(block, new[] { Request("10.0.0.3", "dead") }, Now, 300).Succeeded);
        var before = block.ToJsonString();

        var again = BlockRelease.ReleaseWithCooldown(block, new[] { Request("10.0.0.3", "dead") }, Now, 300);

        Assert.Equal(ReleaseFailureReason.CoolingDown, again.Failure!.Reason);
        Assert.Equal(before, block.ToJsonString());
    }

    [Fact]
    public void With_a_zero_cooldown_the_release_frees_at_once_like_classic()
    {
        var block = new TestBlock("10.0.0.0/28", affinity: null).Allocate(new[] { 3 }, "dead").ToObject();

        var result = BlockRelease.ReleaseWithCooldown(block, new[] { Request("10.0.0.3", "dead") }, Now, 0);

        Assert.True(result.Succeeded);
        Assert.Null(block.Allocations[3]);
        Assert.Equal(3, block.Unallocated[^1]);
        Assert.Empty(block.Attributes);
        Assert.False(block.SequenceNumberForAllocation.ContainsKey(3));
        Assert.True(result.ShouldDeleteBlock);
    }

    [Fact]
    public void The_release_also_frees_entries_whose_cooldown_is_over_and_keeps_younger_ones()
    {
        var block = new TestBlock("10.0.0.0/28")
            .Allocate(new[] { 9 }, null, releasedAt: "2026-11-25T09:50:00Z")   // ten minutes ago: over
            .Allocate(new[] { 1 }, null, releasedAt: "2026-11-25T09:58:00Z")   // two minutes ago: cooling
            .Allocate(new[] { 4 }, "dead")
            .ToObject();

        BlockRelease.ReleaseWithCooldown(block, new[] { Request("10.0.0.4", "dead") }, Now, 300);

        Assert.Null(block.Allocations[9]);
        Assert.Equal(9, block.Unallocated[^1]);
        Assert.NotNull(block.Allocations[1]);
        Assert.NotNull(block.Allocations[4]);
        Assert.All(block.Attributes, a => Assert.NotNull(a.ReleasedAt));
        Assert.Equal(2, block.Attributes.Count);
        Assert.Empty(BlockValidator.Validate(block.ToBlockInfo(), Now));
    }

    [Fact]
    public void Garbage_collection_frees_in_ordinal_order_drops_unreferenced_attributes_and_leaves_the_sequence_number()
    {
        var block = new TestBlock("10.0.0.0/28")
            .Allocate(new[] { 7, 2 }, null, releasedAt: "2026-11-25T09:00:00Z")
            .Allocate(new[] { 5 }, "live")
            .ToObject();
        var unallocatedBefore = block.Unallocated.Count;

        Assert.True(BlockRelease.CollectCooledDown(block, Now, 60));

        Assert.Equal(new[] { 2, 7 }, block.Unallocated.Skip(unallocatedBefore).ToArray());
        Assert.Equal("live", Assert.Single(block.Attributes).HandleId);
        Assert.Equal(0, block.Allocations[5]);
        Assert.Equal(BlockSequence, block.SequenceNumber);
        Assert.Empty(BlockValidator.Validate(block.ToBlockInfo(), Now));
        Assert.False(BlockRelease.CollectCooledDown(block, Now, 60));
    }
}
