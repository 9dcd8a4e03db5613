using IpamCleanup.Core.Model;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Tests.Model;

/// <summary>The validateBlock cases of calicoctl's check_test.go (calico-ipam.md §6 row 1), on /30 blocks.</summary>
public class BlockValidatorTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static BlockInfo Block(
        int?[] allocations,
        int[] unallocated,
        int attributeCount = 1,
        DateTimeOffset? releasedAt = null,
        Dictionary<int, ulong>? sequences = null,
        ulong sequenceNumber = 100,
        string cidr = "192.168.0.0/30")
    {
        var attributes = new List<AllocationAttribute>();
        for (var i = 0; i < attributeCount; i++)
        {
            attributes.Add(new AllocationAttribute(
                releasedAt is null ? "h" + i : null,
                new Dictionary<string, string>(),
                false,
                releasedAt));
        }

        return new BlockInfo(
            "block", "uid", "1", null, IpNet.TryParse(cidr, out var net) ? net : default, "host:n", null,
            allocations, unallocated, attributes, sequenceNumber,
            sequences ?? new Dictionary<int, ulong>(), Array.Empty<string>());
    }

    [Fact]
    public void An_all_free_block_is_valid()
    {
        Assert.Empty(BlockValidator.Validate(Block(new int?[4], new[] { 0, 1, 2, 3 }, attributeCount: 0), Now));
    }

    [Fact]
    public void A_block_with_a_shared_attribute_is_valid()
    {
        Assert.Empty(BlockValidator.Validate(Block(new int?[] { 0, 0, null, null }, new[] { 3, 2 }), Now));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(-1)]
    public void Allocation_indexing_a_nonexistent_attribute_is_flagged(int index)
    {
        var violations = BlockValidator.Validate(Block(new int?[] { index, null, null, null }, new[] { 1, 2, 3 }), Now);

        Assert.Contains($"allocation 0 indexes a nonexistent attribute {index}", violations);
    }

    [Fact]
    public void Attribute_that_no_allocation_references_is_flagged()
    {
        var violations = BlockValidator.Validate(Block(new int?[] { 0, null, null, null }, new[] { 1, 2, 3 }, attributeCount: 3), Now);

        Assert.Equal(new[] { "attribute 1 is not referenced by any allocation", "attribute 2 is not referenced by any allocation" }, violations);
    }

    [Fact]
    public void Released_at_in_the_future_is_flagged()
    {
        var violations = BlockValidator.Validate(Block(new int?[] { 0, null, null, null }, new[] { 1, 2, 3 }, releasedAt: Now.AddMinutes(1)), Now);

        var violation = Assert.Single(violations);
        Assert.Contains("releasedAt in the future", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Released_at_in_the_past_is_a_valid_cooldown_entry()
    {
        Assert.Empty(BlockValidator.Validate(Block(new int?[] { 0, null, null, null }, new[] { 1, 2, 3 }, releasedAt: Now.AddMinutes(-1)), Now));
    }

    [Fact]
    public void Duplicate_ordinal_in_unallocated_is_flagged()
    {
        var violations = BlockValidator.Validate(Block(new int?[] { 0, null, null, null }, new[] { 1, 1, 2, 3 }), Now);

        Assert.Contains("ordinal 1 appears more than once in unallocated", violations);
    }

    [Fact]
    public void Allocated_ordinal_also_in_unallocated_is_flagged()
    {
        var violations = BlockValidator.Validate(Block(new int?[] { 0, null, null, null }, new[] { 0, 1, 2, 3 }), Now);

        Assert.Contains("ordinal 0 is allocated but appears in unallocated", violations);
    }

    [Fact]
    public void Out_of_range_ordinal_in_unallocated_is_flagged()
    {
        var violations = BlockValidator.Validate(Block(new int?[] { 0, null, null, null }, new[] { 1, 2, 3, 99 }), Now);

        Assert.Contains("ordinal 99 appears in unallocated but is outside the block", violations);
    }

    [Fact]
    public void Addresses_that_are_neither_free_nor_allocated_are_flagged()
    {
        var violations = BlockValidator.Validate(Block(new int?[] { 0, 0, null, null }, new[] { 2 }), Now);

        Assert.Equal(new[] { "expected 4 addresses in this block, but unallocated (1) + allocated (2) = 3" }, violations);
    }

    [Fact]
    public void Allocations_array_of_the_wrong_length_is_flagged()
    {
        var violations = BlockValidator.Validate(Block(new int?[] { 0, null, null }, new[] { 1, 2 }), Now);

        Assert.Contains("block 192.168.0.0/30 has 3 allocations, expected 4", violations);
    }

    [Fact]
    public void Sequence_number_of_an_ordinal_above_the_block_counter_is_flagged()
    {
        var block = Block(new int?[] { 0, null, null, null }, new[] { 1, 2, 3 }, sequences: new() { [0] = 500 }, sequenceNumber: 100);

        Assert.Contains("sequenceNumberForAllocation[0] (500) is greater than the block's sequenceNumber (100)", BlockValidator.Validate(block, Now));
    }

    [Fact]
    public void Sequence_number_entry_outside_the_block_is_flagged()
    {
        var block = Block(new int?[] { 0, null, null, null }, new[] { 1, 2, 3 }, sequences: new() { [7] = 1 });

        Assert.Contains("sequenceNumberForAllocation has ordinal 7, which is outside the block", BlockValidator.Validate(block, Now));
    }

    [Fact]
    public void Unparseable_cidr_is_reported_without_the_size_checks()
    {
        var violations = BlockValidator.Validate(Block(new int?[] { 0 }, Array.Empty<int>(), cidr: "bogus"), Now);

        Assert.Equal(new[] { "cidr is not a valid CIDR" }, violations);
    }

    [Fact]
    public void Parse_errors_are_reported_as_violations()
    {
        var block = Block(new int?[4], new[] { 0, 1, 2, 3 }, attributeCount: 0) with { ParseErrors = new[] { "allocation 2 is not an attribute index: \"x\"" } };

        Assert.Contains("allocation 2 is not an attribute index: \"x\"", BlockValidator.Validate(block, Now));
    }

    [Fact]
    public void Every_violation_is_listed_not_only_the_first()
    {
        var violations = BlockValidator.Validate(Block(new int?[] { 99, null, null, null }, new[] { 1, 1 }, attributeCount: 2), Now);

        Assert.True(violations.Count >= 4, string.Join("; ", violations));
    }
}
