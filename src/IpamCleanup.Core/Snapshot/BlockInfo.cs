using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Snapshot;

/// <summary>
/// A parsed IPAMBlock as read at snapshot time. <see cref="Allocations"/>[ordinal] is an index into
/// <see cref="Attributes"/> or null; the raw values are kept even when they are out of range so the validator can
/// report them (<see cref="ParseErrors"/> lists what could not be parsed at all).
/// </summary>
public sealed record BlockInfo(
    string Name,
    string Uid,
    string ResourceVersion,
    DateTimeOffset? CreationTimestamp,
    IpNet Cidr,
    string? Affinity,
    DateTimeOffset? AffinityClaimTime,
    IReadOnlyList<int?> Allocations,
    IReadOnlyList<int> Unallocated,
    IReadOnlyList<AllocationAttribute> Attributes,
    ulong SequenceNumber,
    IReadOnlyDictionary<int, ulong> SequenceNumberForAllocation,
    IReadOnlyList<string> ParseErrors)
{
    /// <summary>"host" or "virtual" from <c>affinity: &lt;type&gt;:&lt;name&gt;</c>; null when unaffine.</summary>
    public string? AffinityType => Affinity is { } a && a.IndexOf(':') is var i and > 0 ? a[..i] : null;

    /// <summary>The node of a <c>host:</c> affinity; null for virtual or absent affinities.</summary>
    public string? AffinityHost => Affinity is { } a && a.StartsWith("host:", StringComparison.Ordinal) ? a[5..] : null;

    /// <summary>The sequence number recorded when the ordinal was allocated; 0 when missing (pre-v3.23 blocks).</summary>
    public ulong SequenceNumberOf(int ordinal) => SequenceNumberForAllocation.TryGetValue(ordinal, out var s) ? s : 0UL;

    public int AllocatedCount
    {
        get
        {
            var count = 0;
            if (Allocations is int?[] array)
            {
                foreach (var allocation in array)
                {
                    count += allocation is null ? 0 : 1;
                }

                return count;
            }

            foreach (var allocation in Allocations)
            {
                count += allocation is null ? 0 : 1;
            }

            return count;
        }
    }
}
