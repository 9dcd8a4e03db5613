using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Tests.Analysis;

public class CorruptBlockTests
{
    private static readonly AllocationAttribute Spare = new("spare", new Dictionary<string, string>(), false, null);

    public static TheoryData<string, string> Corruptions => new()
    {
        { "index-out-of-range", "indexes a nonexistent attribute 99" },
        { "negative-index", "indexes a nonexistent attribute -1" },
        { "unreferenced-attribute", "attribute 1 is not referenced" },
        { "duplicate-unallocated", "appears more than once in unallocated" },
        { "allocated-and-unallocated", "ordinal 0 is allocated but appears in unallocated" },
        { "unallocated-out-of-range", "ordinal 99 appears in unallocated but is outside the block" },
        { "count-mismatch", "expected 4 addresses in this block, but unallocated (2) + allocated (1) = 3" },
        { "allocations-length", "has 3 allocations, expected 4" },
        { "released-in-future", "in the future" },
        { "parse-error", "sequenceNumberForAllocation[\"x\"] is not an ordinal" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Block_breaking_an_invariant_is_a_corrupt_block(string corruption, string expected)
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Block("10.0.0.0/30", "host:node-a", b =>
            {
                b.Pod(0, "default", "gone", "node-a", TestCluster.PodHandle("c0"));
                b.Corrupt = block => Break(block, corruption);
            });

        var result = cluster.Analyze();

        var corrupt = Assert.Single(result.Of(FindingKind.CorruptBlock));
        Assert.False(corrupt.Releasable);
        Assert.Contains(expected, corrupt.Reason, StringComparison.Ordinal);
        Assert.Equal("10.0.0.0/30", corrupt.Block);
        Assert.Empty(result.Releasable());
    }

    [Fact]
    public void A_valid_block_and_an_all_free_block_are_not_corrupt()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Block("10.0.0.0/30", "host:node-a", b => b.Pod(0, "default", "gone", "node-a", TestCluster.PodHandle("c0")))
            .EmptyBlock("10.0.0.4/30", null);

        Assert.Empty(cluster.Analyze().Of(FindingKind.CorruptBlock));
    }

    [Fact]
    public void Nothing_in_a_corrupt_block_is_releasable()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16")
            .Block("10.0.0.0/30", "host:dead", b =>
            {
                b.Pod(0, "default", "gone", "dead", TestCluster.PodHandle("c0"));
                b.Corrupt = block => Break(block, "duplicate-unallocated");
            })
            .Affinity("other", "10.0.0.0/30");

        var result = cluster.Analyze();

        var leak = result.Single(FindingKind.LeakedIp, "10.0.0.0");
        Assert.False(leak.Releasable);
        Assert.Contains("corrupt", leak.Reason, StringComparison.Ordinal);
        Assert.False(Assert.Single(result.Of(FindingKind.DeletedNodeBlock)).Releasable);
        Assert.False(Assert.Single(result.Of(FindingKind.OrphanAffinity)).Releasable);
        Assert.Empty(result.Releasable());
    }

    [Fact]
    public void Corrupt_block_is_marked_in_use_in_the_per_ip_data()
    {
        var cluster = new TestCluster().Pool("10.0.0.0/16").Node("node-a")
            .Block("10.0.0.0/30", "host:node-a", b =>
            {
                b.Pod(0, "default", "gone", "node-a", TestCluster.PodHandle("c0"));
                b.Corrupt = block => Break(block, "index-out-of-range");
            });

        var state = cluster.Analyze().State("10.0.0.0");

        Assert.False(state.Releasable);
    }

    private static BlockInfo Break(BlockInfo block, string corruption) => corruption switch
    {
        "index-out-of-range" => block with { Allocations = Replace(block.Allocations, 0, 99) },
        "negative-index" => block with { Allocations = Replace(block.Allocations, 0, -1) },
        "unreferenced-attribute" => block with { Attributes = block.Attributes.Append(Spare).ToArray() },
        "duplicate-unallocated" => block with { Unallocated = new[] { 1, 1, 2 } },
        "allocated-and-unallocated" => block with { Unallocated = new[] { 0, 1, 2 } },
        "unallocated-out-of-range" => block with { Unallocated = new[] { 1, 2, 99 } },
        "count-mismatch" => block with { Unallocated = new[] { 1, 2 } },
        "allocations-length" => block with { Allocations = block.Allocations.Take(3).ToArray(), Unallocated = new[] { 1, 2 } },
        "released-in-future" => block with
        {
            Attributes = new[] { block.Attributes[0] with { HandleId = null, ReleasedAt = TestCluster.Now.AddMinutes(1) } },
        },
        "parse-error" => block with { ParseErrors = new[] { "sequenceNumberForAllocation[\"x\"] is not an ordinal" } },
        _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
    };

    private static int?[] Replace(IReadOnlyList<int?> allocations, int ordinal, int value)
    {
        var copy = allocations.ToArray();
        copy[ordinal] = value;
        return copy;
    }
}
