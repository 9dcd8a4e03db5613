using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Mutations;

/// <summary>
/// Releasing addresses from one block, as libcalico's <c>block.release</c> does: classic (≤ v3.32) semantics, or the
/// v3.33 cooldown semantics (calico-ipam.md §4c, §4f F3). Pure: edits the object in memory, never does I/O.
/// </summary>
public static class BlockRelease
{
    /// <summary>
    /// Validates every request first (address in the block, handle, sequence number, not cooling down); any mismatch
    /// fails the whole batch and leaves the block untouched. Otherwise each allocated ordinal is freed once:
    /// attributes whose last reference goes are removed and the remaining allocations re-indexed, the ordinal is
    /// appended to the tail of <c>unallocated</c> (in request order) and its <c>sequenceNumberForAllocation</c>
    /// entry removed; the block <c>sequenceNumber</c> then goes up by one. Unallocated addresses are reported as
    /// already free and change nothing.
    /// </summary>
    public static BlockReleaseResult ReleaseClassic(IpamBlockObject block, IReadOnlyList<ReleaseRequest> requests) =>
        Release(block, requests, null);

    /// <summary>
    /// v3.33 cooldown semantics (calico-ipam.md §4f F3, cooldown mode), for clusters whose every component runs v3.33 or
    /// later and whose IPAMConfig sets <c>ipCooldownSeconds</c>: the same validation as <see cref="ReleaseClassic"/>;
    /// then the released ordinals point at one new attribute <c>{"releasedAt": now}</c> (their
    /// <c>sequenceNumberForAllocation</c> entries stay as they are, as in libcalico's <c>release</c>), so the addresses
    /// stay unusable until the cooldown ends. Then <see cref="CollectCooledDown"/> runs, as libcalico does before every
    /// write, and the block <c>sequenceNumber</c> goes up by one. Handles are decremented by the caller as in classic
    /// mode: a cooling-down entry has no handle.
    /// </summary>
    public static BlockReleaseResult ReleaseWithCooldown(IpamBlockObject block, IReadOnlyList<ReleaseRequest> requests, DateTimeOffset now, int cooldownSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cooldownSeconds);
        return Release(block, requests, (now, cooldownSeconds));
    }

    /// <summary>
    /// libcalico's block garbage collection (v3.33): every ordinal whose <c>releasedAt</c> lies more than
    /// <paramref name="cooldownSeconds"/> before <paramref name="now"/> (a millisecond of slack, so 0 frees at once) is
    /// deallocated in ordinal order: appended to <c>unallocated</c>, its sequence-number entry removed. Then every
    /// attribute no allocation refers to is dropped and the allocations re-indexed. Returns whether the block changed;
    /// the sequence number is not bumped (the write that follows does that).
    /// </summary>
    public static bool CollectCooledDown(IpamBlockObject block, DateTimeOffset now, int cooldownSeconds)
    {
        ArgumentNullException.ThrowIfNull(block);
        var allocations = block.Allocations.ToArray();
        var attributes = block.Attributes;
        var before = now.AddSeconds(-cooldownSeconds).AddMilliseconds(1);
        var freed = new List<int>();
        for (var ordinal = 0; ordinal < allocations.Length; ordinal++)
        {
            if (allocations[ordinal] is { } index && index >= 0 && index < attributes.Count &&
                attributes[index].ReleasedAt is { } releasedAt && releasedAt < before)
            {
                allocations[ordinal] = null;
                freed.Add(ordinal);
            }
        }

        var used = new bool[attributes.Count];
        foreach (var index in allocations)
        {
            if (index is { } i && i >= 0 && i < used.Length)
            {
                used[i] = true;
            }
        }

        var unused = new List<int>();
        for (var i = 0; i < used.Length; i++)
        {
            if (!used[i])
            {
                unused.Add(i);
            }
        }

        if (freed.Count == 0 && unused.Count == 0)
        {
            return false;
        }

        Reindex(block, allocations, unused);
        AppendUnallocated(block, freed);
        return true;
    }

    private static BlockReleaseResult Release(IpamBlockObject block, IReadOnlyList<ReleaseRequest> requests, (DateTimeOffset Now, int CooldownSeconds)? cooldown)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return BlockReleaseResult.Success(Array.Empty<IPAddress>(), Array.Empty<IPAddress>(), new Dictionary<string, int>(0), false, false);
        }

        if (!TryReadBlock(block, requests[0].Address, out var state, out var malformed))
        {
            return BlockReleaseResult.Failed(malformed);
        }

        var released = new List<(int Ordinal, IPAddress Address, int AttributeIndex)>();
        var alreadyFree = new List<IPAddress>();
        var seen = new HashSet<int>();
        foreach (var request in requests)
        {
            var address = request.Address;
            if (!state.Cidr.TryGetIntOrdinal(address, out var ordinal))
            {
                return Fail(address, ReleaseFailureReason.AddressNotInBlock, $"{IpNet.FormatAddress(address)} is not in block {state.Cidr}");
            }

            if (state.Allocations[ordinal] is not { } attributeIndex)
            {
                if (seen.Add(ordinal))
                {
                    alreadyFree.Add(address);
                }

                continue;
            }

            var attribute = state.Attributes[attributeIndex];
            if (attribute.ReleasedAt is not null)
            {
                return Fail(address, ReleaseFailureReason.CoolingDown, $"{IpNet.FormatAddress(address)} is cooling down (released at {attribute.ReleasedAt:O}); Calico frees it when the cooldown ends");
            }

            var stored = CalicoHandles.Sanitize(attribute.HandleId) ?? string.Empty;
            var expected = CalicoHandles.Sanitize(request.Handle);
            if (!string.IsNullOrEmpty(expected) && !string.Equals(stored, expected, StringComparison.Ordinal))
            {
                return Fail(address, ReleaseFailureReason.HandleMismatch, $"the given handle ({expected}) does not match ({stored}) when attempting to release IP {IpNet.FormatAddress(address)}");
            }

            var current = block.SequenceNumberForOrdinal(ordinal);
            if (request.SequenceNumber is { } expectedSequence && expectedSequence != current)
            {
                return Fail(address, ReleaseFailureReason.SequenceNumberMismatch, $"the given sequence number ({expectedSequence}) does not match ({current}) when attempting to release IP {IpNet.FormatAddress(address)}");
            }

            if (seen.Add(ordinal))
            {
                released.Add((ordinal, address, attributeIndex));
            }
        }

        var hasAffinity = !string.IsNullOrEmpty(block.Affinity);
        if (released.Count == 0)
        {
            return BlockReleaseResult.Success(Array.Empty<IPAddress>(), alreadyFree, new Dictionary<string, int>(0), block.ContainsOnlyReservedIPs(), hasAffinity);
        }

        var byHandle = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, _, attributeIndex) in released)
        {
            if (CalicoHandles.Sanitize(state.Attributes[attributeIndex].HandleId) is { Length: > 0 } handle)
            {
                byHandle[handle] = byHandle.GetValueOrDefault(handle) + 1;
            }
        }

        if (cooldown is { } mode)
        {
            ApplyCooldown(block, state, released, mode.Now, mode.CooldownSeconds);
        }
        else
        {
            Apply(block, state, released);
        }

        return BlockReleaseResult.Success(
            released.ConvertAll(r => r.Address),
            alreadyFree,
            byHandle,
            block.ContainsOnlyReservedIPs(),
            hasAffinity);

        static BlockReleaseResult Fail(IPAddress address, ReleaseFailureReason reason, string message) =>
            BlockReleaseResult.Failed(new ReleaseFailure(address, reason, message));
    }

    private static void Apply(IpamBlockObject block, BlockState state, List<(int Ordinal, IPAddress Address, int AttributeIndex)> released)
    {
        var allocations = state.Allocations;
        var references = new int[state.Attributes.Count];
        foreach (var index in allocations)
        {
            if (index is { } i)
            {
                references[i]++;
            }
        }

        // An attribute goes only when every ordinal that references it is being released (shared attributes stay);
        // attributes that were already unreferenced are left alone, as libcalico does.
        var touched = new bool[references.Length];
        foreach (var (ordinal, _, attributeIndex) in released)
        {
            references[attributeIndex]--;
            touched[attributeIndex] = true;
            allocations[ordinal] = null;
        }

        var removed = new List<int>();
        for (var i = 0; i < references.Length; i++)
        {
            if (touched[i] && references[i] == 0)
            {
                removed.Add(i);
            }
        }

        Reindex(block, allocations, removed);
        AppendUnallocated(block, released.ConvertAll(r => r.Ordinal));
        block.SequenceNumber = unchecked(state.SequenceNumber + 1);
    }

    private static void ApplyCooldown(IpamBlockObject block, BlockState state, List<(int Ordinal, IPAddress Address, int AttributeIndex)> released, DateTimeOffset now, int cooldownSeconds)
    {
        // Calico writes metav1.Time: RFC 3339 in UTC, whole seconds.
        var stamp = now.ToUniversalTime();
        stamp = new DateTimeOffset(stamp.Ticks - (stamp.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        // Every released ordinal referenced a valid attribute (checked by Release), so the array exists.
        var attributeNodes = block.AttributeNodes!;
        attributeNodes.Add(new JsonObject { ["releasedAt"] = stamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) });
        var cooling = attributeNodes.Count - 1;
        var allocations = state.Allocations;
        // libcalico's release leaves the ordinal's sequence number as it was; the garbage collection that frees the
        // ordinal removes it.
        foreach (var (ordinal, _, _) in released)
        {
            allocations[ordinal] = cooling;
        }

        block.Allocations = allocations;
        CollectCooledDown(block, now, cooldownSeconds);
        block.SequenceNumber = unchecked(state.SequenceNumber + 1);
    }

    /// <summary>Drops the attributes at <paramref name="removed"/> (ascending) and re-indexes <paramref name="allocations"/> into the block.</summary>
    private static void Reindex(IpamBlockObject block, int?[] allocations, List<int> removed)
    {
        if (removed.Count > 0)
        {
            var attributeCount = block.AttributeNodes!.Count;
            var newIndex = new int[attributeCount];
            var next = 0;
            var r = 0;
            for (var i = 0; i < attributeCount; i++)
            {
                if (r < removed.Count && removed[r] == i)
                {
                    newIndex[i] = -1;
                    r++;
                }
                else
                {
                    newIndex[i] = next++;
                }
            }

            for (var ordinal = 0; ordinal < allocations.Length; ordinal++)
            {
                if (allocations[ordinal] is { } i && i >= 0 && i < attributeCount)
                {
                    allocations[ordinal] = newIndex[i];
                }
            }

            var attributeNodes = block.AttributeNodes!;
            for (var k = removed.Count - 1; k >= 0; k--)
            {
                attributeNodes.RemoveAt(removed[k]);
            }
        }

        block.Allocations = allocations;
    }

    /// <summary>Appends the ordinals to the tail of <c>unallocated</c> and removes their sequence-number entries.</summary>
    private static void AppendUnallocated(IpamBlockObject block, List<int> ordinals)
    {
        if (ordinals.Count == 0)
        {
            return;
        }

        var spec = block.Json["spec"]!.AsObject();
        if (spec["unallocated"] is not JsonArray unallocated)
        {
            unallocated = new JsonArray();
            spec["unallocated"] = unallocated;
        }

        foreach (var ordinal in ordinals)
        {
            unallocated.Add(JsonValue.Create(ordinal));
            block.SetSequenceNumberForOrdinal(ordinal, null);
        }
    }

    /// <summary>Reads everything the release edits, refusing blocks that cannot be edited without guessing.</summary>
    private static bool TryReadBlock(IpamBlockObject block, IPAddress firstAddress, out BlockState state, out ReleaseFailure failure)
    {
        state = default!;
        failure = default!;
        string? problem = null;
        var cidr = block.CidrNet;
        int?[] allocations = Array.Empty<int?>();
        IReadOnlyList<AllocationAttribute> attributes = Array.Empty<AllocationAttribute>();
        ulong sequenceNumber = 0;
        try
        {
            allocations = block.Allocations.ToArray();
            _ = block.Unallocated;
            attributes = block.Attributes;
            sequenceNumber = block.SequenceNumber;
        }
        catch (FormatException ex)
        {
            problem = ex.Message;
        }

        if (problem is null && !cidr.IsValid)
        {
            problem = $"block cidr '{block.Cidr}' is not a valid CIDR";
        }

        if (problem is null && cidr.SizeAsInt32 != allocations.Length)
        {
            problem = $"block {cidr} has {allocations.Length} allocations for {cidr.SizeAsInt32?.ToString(CultureInfo.InvariantCulture) ?? "too many"} addresses";
        }

        if (problem is null && block.AttributeNodes is { } attributeNodes)
        {
            for (var i = 0; i < attributeNodes.Count; i++)
            {
                if (attributeNodes[i] is not JsonObject)
                {
                    problem = $"attribute {i} of block {cidr} is not an object";
                    break;
                }
            }
        }

        if (problem is null && block.Json["spec"]?["sequenceNumberForAllocation"] is JsonObject sequences &&
            sequences.Count != block.SequenceNumberForAllocation.Count)
        {
            problem = $"block {cidr} has sequenceNumberForAllocation entries that are not ordinal → uint64";
        }

        for (var ordinal = 0; problem is null && ordinal < allocations.Length; ordinal++)
        {
            if (allocations[ordinal] is { } index && (index < 0 || index >= attributes.Count))
            {
                problem = $"allocation {ordinal} indexes a nonexistent attribute {index}";
            }
        }

        if (problem is not null)
        {
            failure = new ReleaseFailure(firstAddress, ReleaseFailureReason.MalformedBlock, problem);
            return false;
        }

        state = new BlockState(cidr, allocations, attributes, sequenceNumber);
        return true;
    }

    private sealed record BlockState(IpNet Cidr, int?[] Allocations, IReadOnlyList<AllocationAttribute> Attributes, ulong SequenceNumber);
}
