using System.Globalization;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// The structural invariants of an IPAMBlock (calico-ipam.md §1.3, calicoctl's validateBlock). A block that breaks
/// any of them is reported as CorruptBlock and nothing in it is released.
/// </summary>
internal static class BlockStructure
{
    private const int MaxProblemsListed = 10;

    // Calico blocks are /26 and /122 by default; anything past 2^20 addresses is not a block this module can edit.
    private const int MaxBlockSize = 1 << 20;

    public static IReadOnlyList<string> Problems(BlockInfo block, DateTimeOffset now)
    {
        var problems = new List<string>();
        foreach (var error in block.ParseErrors)
        {
            problems.Add("could not be parsed: " + error);
        }

        if (!block.Cidr.IsValid)
        {
            problems.Add("its CIDR is not valid");
            return problems;
        }

        if (block.Cidr.SizeAsInt32 is not { } size || size > MaxBlockSize)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"/{block.Cidr.Prefix} is too large for an IPAM block"));
            return problems;
        }

        var allocations = block.Allocations;
        if (allocations.Count != size)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"allocations has {allocations.Count} entries, expected {size}"));
        }

        var attributeCount = block.Attributes.Count;
        var referenced = new bool[attributeCount];
        var allocated = 0;
        for (var ordinal = 0; ordinal < allocations.Count; ordinal++)
        {
            if (allocations[ordinal] is not { } index)
            {
                continue;
            }

            allocated++;
            if (index < 0 || index >= attributeCount)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"allocation {ordinal} indexes a nonexistent attribute {index}"));
            }
            else
            {
                referenced[index] = true;
            }
        }

        for (var index = 0; index < attributeCount; index++)
        {
            if (!referenced[index])
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"attribute {index} is not referenced by any allocation"));
            }

            if (block.Attributes[index].ReleasedAt is { } releasedAt && releasedAt > now)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"attribute {index} has releasedAt {releasedAt:O} in the future (clock skew?)"));
            }
        }

        var seen = new bool[size];
        foreach (var ordinal in block.Unallocated)
        {
            if (ordinal < 0 || ordinal >= size)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"ordinal {ordinal} in unallocated is out of range"));
            }
            else if (seen[ordinal])
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"ordinal {ordinal} appears more than once in unallocated"));
            }
            else
            {
                seen[ordinal] = true;
                if (ordinal < allocations.Count && allocations[ordinal] is not null)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"ordinal {ordinal} is both allocated and in unallocated"));
                }
            }
        }

        if (block.Unallocated.Count + allocated != size)
        {
            problems.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"expected {size} addresses, but unallocated ({block.Unallocated.Count}) + allocated ({allocated}) = {block.Unallocated.Count + allocated}"));
        }

        if (problems.Count > MaxProblemsListed)
        {
            var more = problems.Count - MaxProblemsListed;
            problems.RemoveRange(MaxProblemsListed, more);
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"and {more} more problems"));
        }

        return problems;
    }
}
