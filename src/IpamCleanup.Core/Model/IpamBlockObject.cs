using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Model;

/// <summary>An IPAMBlock (v1 or v3; the spec field names are the same in both), edited losslessly.</summary>
public sealed class IpamBlockObject : CalicoObject
{
    public IpamBlockObject(JsonObject json)
        : base(json)
    {
    }

    public static new IpamBlockObject Parse(string json) => new(ParseObject(json));

    public static IpamBlockObject FromElement(JsonElement element) => new(ToJsonObject(element));

    public string? Cidr
    {
        get => Spec.GetString("cidr");
        set => EnsureSpec().SetString("cidr", value);
    }

    /// <summary>The parsed <see cref="Cidr"/>; <c>default(IpNet)</c> (not valid) when it cannot be parsed.</summary>
    public IpNet CidrNet => IpNet.TryParse(Cidr, out var net) ? net : default;

    /// <summary><c>host:&lt;node&gt;</c>, <c>virtual:&lt;name&gt;</c>, or null when unaffine (setting null removes the field).</summary>
    public string? Affinity
    {
        get => Spec.GetString("affinity");
        set => EnsureSpec().SetString("affinity", value);
    }

    /// <summary>RFC 3339 claim time; setting writes second precision in UTC, null removes the field.</summary>
    public DateTimeOffset? AffinityClaimTime
    {
        get => GoTimestamp.Parse(Spec.GetString("affinityClaimTime"));
        set => EnsureSpec().SetString("affinityClaimTime", value is { } time ? GoTimestamp.FormatRfc3339(time) : null);
    }

    /// <summary>
    /// <c>allocations</c>: per ordinal, an index into <c>attributes</c> or null. Reading throws
    /// <see cref="FormatException"/> when an entry is neither an integer nor null; setting replaces the array.
    /// </summary>
    public IReadOnlyList<int?> Allocations
    {
        get
        {
            var array = Spec.GetArray("allocations");
            if (array is null)
            {
                return Array.Empty<int?>();
            }

            var result = new int?[array.Count];
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is null)
                {
                    continue;
                }

                result[i] = JsonNodeAccess.TryGetInt32(array[i], out var index)
                    ? index
                    : throw new FormatException($"allocations[{i}] of block {Cidr} is not an integer or null.");
            }

            return result;
        }

        set
        {
            var array = new JsonArray();
            foreach (var index in value)
            {
                array.Add(index is { } i ? JsonValue.Create(i) : null);
            }

            EnsureSpec()["allocations"] = array;
        }
    }

    /// <summary><c>unallocated</c>: free ordinals in FIFO order (allocate from the head, release to the tail).</summary>
    public IReadOnlyList<int> Unallocated
    {
        get
        {
            var array = Spec.GetArray("unallocated");
            if (array is null)
            {
                return Array.Empty<int>();
            }

            var result = new int[array.Count];
            for (var i = 0; i < array.Count; i++)
            {
                result[i] = JsonNodeAccess.TryGetInt32(array[i], out var ordinal)
                    ? ordinal
                    : throw new FormatException($"unallocated[{i}] of block {Cidr} is not an integer.");
            }

            return result;
        }

        set
        {
            var array = new JsonArray();
            foreach (var ordinal in value)
            {
                array.Add(JsonValue.Create(ordinal));
            }

            EnsureSpec()["unallocated"] = array;
        }
    }

    /// <summary>The <c>attributes</c> entries, typed (a copy; edit through <see cref="AttributeNodes"/> or the mutations).</summary>
    public IReadOnlyList<AllocationAttribute> Attributes
    {
        get
        {
            var array = AttributeNodes;
            if (array is null)
            {
                return Array.Empty<AllocationAttribute>();
            }

            var result = new AllocationAttribute[array.Count];
            for (var i = 0; i < array.Count; i++)
            {
                result[i] = ToAttribute(array[i] as JsonObject);
            }

            return result;
        }
    }

    /// <summary>The live <c>attributes</c> array, each entry kept with every field (null when absent).</summary>
    public JsonArray? AttributeNodes => Spec.GetArray("attributes");

    /// <summary>The block write counter; 0 when absent. Read and written as an exact uint64.</summary>
    /// <exception cref="FormatException">The stored value is not an unsigned 64-bit integer.</exception>
    public ulong SequenceNumber
    {
        get
        {
            var spec = Spec;
            if (spec is null || !spec.TryGetPropertyValue("sequenceNumber", out var node) || node is null)
            {
                return 0;
            }

            return JsonNodeAccess.TryGetUInt64(node, out var value)
                ? value
                : throw new FormatException($"sequenceNumber of block {Cidr} is not an unsigned 64-bit integer.");
        }

        set => EnsureSpec()["sequenceNumber"] = JsonValue.Create(value);
    }

    /// <summary><c>sequenceNumberForAllocation</c> keyed by ordinal; entries that are not ordinal → uint64 are left out.</summary>
    public IReadOnlyDictionary<int, ulong> SequenceNumberForAllocation
    {
        get
        {
            var map = Spec.GetObject("sequenceNumberForAllocation");
            var result = new Dictionary<int, ulong>(map?.Count ?? 0);
            if (map is not null)
            {
                foreach (var (key, value) in map)
                {
                    if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) &&
                        JsonNodeAccess.TryGetUInt64(value, out var number))
                    {
                        result[ordinal] = number;
                    }
                }
            }

            return result;
        }
    }

    public bool Deleted
    {
        get => Spec.GetBool("deleted") ?? false;
        set => EnsureSpec()["deleted"] = JsonValue.Create(value);
    }

    /// <summary>Deprecated and unused, but required by the v1 CRD schema.</summary>
    public bool StrictAffinity
    {
        get => Spec.GetBool("strictAffinity") ?? false;
        set => EnsureSpec()["strictAffinity"] = JsonValue.Create(value);
    }

    /// <summary>The number of non-null allocations (cooldown entries included).</summary>
    public int AllocatedCount
    {
        get
        {
            var count = 0;
            foreach (var index in Allocations)
            {
                if (index is not null)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>The sequence number recorded when the ordinal was allocated; 0 when missing (pre-v3.23 blocks).</summary>
    public ulong SequenceNumberForOrdinal(int ordinal)
    {
        var map = Spec.GetObject("sequenceNumberForAllocation");
        return map is not null && map.TryGetPropertyValue(ordinal.ToString(CultureInfo.InvariantCulture), out var node) &&
               JsonNodeAccess.TryGetUInt64(node, out var value)
            ? value
            : 0UL;
    }

    /// <summary>Sets one entry of <c>sequenceNumberForAllocation</c>, or removes it when <paramref name="value"/> is null.</summary>
    public void SetSequenceNumberForOrdinal(int ordinal, ulong? value)
    {
        var key = ordinal.ToString(CultureInfo.InvariantCulture);
        if (value is null)
        {
            Spec.GetObject("sequenceNumberForAllocation")?.Remove(key);
            return;
        }

        EnsureSpec().EnsureObject("sequenceNumberForAllocation")[key] = JsonValue.Create(value.Value);
    }

    /// <summary>
    /// libcalico's <c>empty()</c>: every non-null allocation belongs to <c>windows-reserved-ipam-handle</c>
    /// (case-insensitive). Allocations without a handle, cooldown entries and dangling indexes count as in use.
    /// </summary>
    public bool ContainsOnlyReservedIPs()
    {
        var attributes = Attributes;
        foreach (var index in Allocations)
        {
            if (index is not { } i)
            {
                continue;
            }

            if (i < 0 || i >= attributes.Count || !CalicoHandles.IsWindowsReserved(attributes[i].HandleId))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The block as the snapshot holds it, for re-running analysis rules on a freshly read object.</summary>
    public BlockInfo ToBlockInfo() => SnapshotParsers.ParseBlock(JsonSerializer.SerializeToElement(Json), null);

    public override IpamBlockObject DeepClone() => new((JsonObject)Json.DeepClone());

    internal static AllocationAttribute ToAttribute(JsonObject? attribute) => new(
        attribute.GetString("handle_id"),
        attribute.GetStringMap("secondary"),
        attribute.GetObject("alternateOwnerAttrs") is not null,
        GoTimestamp.Parse(attribute.GetString("releasedAt")));
}
