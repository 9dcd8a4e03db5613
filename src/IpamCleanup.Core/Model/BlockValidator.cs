using System.Globalization;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Model;

/// <summary>
/// The structural invariants of an IPAM block (calico-ipam.md §1.3, as <c>calicoctl ipam check</c>'s validateBlock
/// and libcalico's tests state them), plus what the snapshot could not parse. Unlike calicoctl, every violation is
/// listed, not only the first.
/// </summary>
public static class BlockValidator
{
    private const int StackLimit = 1024;

    public static IReadOnlyList<string> Validate(BlockInfo block) => Validate(block, DateTimeOffset.UtcNow);

    /// <param name="now">The time a <c>releasedAt</c> must not be after (the snapshot time, normally).</param>
    public static IReadOnlyList<string> Validate(BlockInfo block, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(block);

        // Run for every block of every scan: nothing is allocated for a sound block of the usual sizes.
        var violations = block.ParseErrors.Count == 0 ? null : new List<string>(block.ParseErrors);
        if (!block.Cidr.IsValid)
        {
            return violations ?? ["cidr is not a valid CIDR"];
        }

        var size = block.Cidr.SizeAsInt32;
        if (size is null)
        {
            (violations ??= []).Add($"block {block.Cidr} is too large to be an IPAM block");
            return violations;
        }

        var allocations = block.Allocations;
        var attributes = block.Attributes;
        if (allocations.Count != size)
        {
            (violations ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"block {block.Cidr} has {allocations.Count} allocations, expected {size}"));
        }

        // Invariant 1: allocations point at existing attributes.
        var length = Math.Max(size.Value, allocations.Count);
        Span<bool> referenced = attributes.Count <= StackLimit ? stackalloc bool[attributes.Count] : new bool[attributes.Count];
        Span<bool> allocated = length <= StackLimit ? stackalloc bool[length] : new bool[length];
        var allocatedCount = 0;
        for (var ordinal = 0; ordinal < allocations.Count; ordinal++)
        {
            if (allocations[ordinal] is not { } index)
            {
                continue;
            }

            allocated[ordinal] = true;
            allocatedCount++;
            if (index < 0 || index >= attributes.Count)
            {
                (violations ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"allocation {ordinal} indexes a nonexistent attribute {index}"));
            }
            else
            {
                referenced[index] = true;
            }
        }

        // Invariant 2 (no orphan attributes) and 5 (no releasedAt in the future).
        for (var index = 0; index < attributes.Count; index++)
        {
            if (!referenced[index])
            {
                (violations ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"attribute {index} is not referenced by any allocation"));
            }

            if (attributes[index].ReleasedAt is { } releasedAt && releasedAt > now)
            {
                (violations ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"attribute {index} has releasedAt in the future ({releasedAt:O}), suggesting clock skew"));
            }
        }

        // Invariant 3: unallocated is duplicate-free, in range and disjoint from the allocated ordinals.
        Span<bool> free = length <= StackLimit ? stackalloc bool[length] : new bool[length];
        var unallocated = block.Unallocated;
        for (var position = 0; position < unallocated.Count; position++)
        {
            var ordinal = unallocated[position];
            if (ordinal < 0 || ordinal >= size)
            {
                (violations ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"ordinal {ordinal} appears in unallocated but is outside the block"));
            }
            else if (free[ordinal])
            {
                (violations ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"ordinal {ordinal} appears more than once in unallocated"));
            }
            else
            {
                free[ordinal] = true;
                if (allocated[ordinal])
                {
                    (violations ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"ordinal {ordinal} is allocated but appears in unallocated"));
                }
            }
        }

        // Invariant 4: every address is either free or allocated.
        var unallocatedCount = block.Unallocated.Count;
        if (unallocatedCount + allocatedCount != size)
        {
            (violations ??= []).Add(string.Create(
                CultureInfo.InvariantCulture,
                $"expected {size} addresses in this block, but unallocated ({unallocatedCount}) + allocated ({allocatedCount}) = {unallocatedCount + allocatedCount}"));
        }

        // Per-ordinal sequence numbers are taken before the block counter is bumped, so they are always below it.
        foreach (var (ordinal, sequence) in block.SequenceNumberForAllocation)
        {
            if (ordinal < 0 || ordinal >= size)
            {
                (violations ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"sequenceNumberForAllocation has ordinal {ordinal}, which is outside the block"));
            }
            else if (sequence > block.SequenceNumber)
            {
                (violations ??= []).Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"sequenceNumberForAllocation[{ordinal}] ({sequence}) is greater than the block's sequenceNumber ({block.SequenceNumber})"));
            }
        }

        return violations ?? (IReadOnlyList<string>)Array.Empty<string>();
    }
}
