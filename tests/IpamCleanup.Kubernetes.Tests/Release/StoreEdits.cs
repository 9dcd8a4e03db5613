using System.Globalization;
using System.Text.Json.Nodes;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>
/// Another IPAM client writing behind the engine's back, through the store's compare-and-swap (as libcalico would):
/// allocations and releases in a block, affinity state changes.
/// </summary>
internal static class StoreEdits
{
    private const string V1 = IpamSeed.V1;

    /// <summary>Allocates <paramref name="ordinal"/> (from the head of the free list position it holds) and bumps the block's sequence number.</summary>
    public static void Allocate(SandboxStore store, string blockName, int ordinal, string handle, JsonObject secondary)
    {
        var block = store.Get(V1, "ipamblocks", null, blockName)!;
        var spec = block["spec"]!.AsObject();
        var attributes = spec["attributes"]!.AsArray();
        attributes.Add(new JsonObject { ["handle_id"] = handle, ["secondary"] = secondary });
        spec["allocations"]![ordinal] = attributes.Count - 1;
        var unallocated = spec["unallocated"]!.AsArray();
        var position = unallocated.Select(n => (int)n!).ToList().IndexOf(ordinal);
        unallocated.RemoveAt(position);
        var sequence = (ulong)spec["sequenceNumber"]!;
        var map = spec["sequenceNumberForAllocation"] as JsonObject ?? new JsonObject();
        spec["sequenceNumberForAllocation"] = map;
        map[ordinal.ToString(CultureInfo.InvariantCulture)] = sequence;
        spec["sequenceNumber"] = sequence + 1;
        store.Replace(block);
    }

    /// <summary>Frees <paramref name="ordinal"/> (classic release: tail of the free list, attribute dropped when unreferenced).</summary>
    public static void Release(SandboxStore store, string blockName, int ordinal)
    {
        var block = store.Get(V1, "ipamblocks", null, blockName)!;
        var spec = block["spec"]!.AsObject();
        var allocations = spec["allocations"]!.AsArray();
        var index = (int)allocations[ordinal]!;
        allocations[ordinal] = null;
        if (!allocations.Any(a => a is not null && (int)a == index))
        {
            spec["attributes"]!.AsArray().RemoveAt(index);
            for (var i = 0; i < allocations.Count; i++)
            {
                if (allocations[i] is { } value && (int)value > index)
                {
                    allocations[i] = (int)value - 1;
                }
            }
        }

        spec["unallocated"]!.AsArray().Add(ordinal);
        (spec["sequenceNumberForAllocation"] as JsonObject)?.Remove(ordinal.ToString(CultureInfo.InvariantCulture));
        spec["sequenceNumber"] = (ulong)spec["sequenceNumber"]! + 1;
        store.Replace(block);
    }

    public static void SetSpec(SandboxStore store, string plural, string name, string field, JsonNode? value)
    {
        var obj = store.Get(V1, plural, null, name)!;
        obj["spec"]![field] = value;
        store.Replace(obj);
    }

    public static JsonObject PodAttributes(string ns, string pod, string node) => new()
    {
        ["namespace"] = ns,
        ["pod"] = pod,
        ["node"] = node,
        ["timestamp"] = IpamSeed.GoTime(DateTimeOffset.UtcNow),
    };
}
