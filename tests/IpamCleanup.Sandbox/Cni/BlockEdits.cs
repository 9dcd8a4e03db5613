using System.Globalization;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>
/// Calico's in-memory block edits (libcalico ipam_block.go semantics, our own code): allocate from the
/// head of the free FIFO, release to its tail, share equal attributes, drop unreferenced ones, and
/// keep the per-ordinal sequence numbers. The caller writes the block back with compare-and-swap.
/// </summary>
internal static class BlockEdits
{
    /// <summary>Takes the first free ordinal; returns -1 when the block is full or soft-deleted.</summary>
    public static int Allocate(JsonObject block, JsonObject attribute)
    {
        var spec = block["spec"]!.AsObject();
        var unallocated = spec["unallocated"] as JsonArray;
        if (unallocated is null || unallocated.Count == 0 || spec["deleted"]?.GetValue<bool>() == true)
        {
            return -1;
        }

        var ordinal = unallocated[0]!.GetValue<int>();
        unallocated.RemoveAt(0);
        var attributes = spec["attributes"] as JsonArray ?? [];
        spec["attributes"] = attributes;
        var index = attributes.Select((a, i) => (a, i)).FirstOrDefault(x => JsonNode.DeepEquals(x.a, attribute), (null, -1)).Item2;
        if (index < 0)
        {
            attributes.Add(attribute.DeepClone());
            index = attributes.Count - 1;
        }

        spec["allocations"]!.AsArray()[ordinal] = index;
        var sequence = spec["sequenceNumber"]?.GetValue<long>() ?? 0;
        var perOrdinal = spec["sequenceNumberForAllocation"] as JsonObject ?? [];
        spec["sequenceNumberForAllocation"] = perOrdinal;
        perOrdinal[ordinal.ToString(CultureInfo.InvariantCulture)] = sequence;
        spec["sequenceNumber"] = sequence + 1;
        return ordinal;
    }

    /// <summary>The ordinals whose attribute carries <paramref name="handleId"/>.</summary>
    public static List<int> OrdinalsOf(JsonObject block, string handleId)
    {
        var spec = block["spec"]!.AsObject();
        var attributes = spec["attributes"] as JsonArray ?? [];
        var allocations = spec["allocations"]!.AsArray();
        var result = new List<int>();
        for (var ordinal = 0; ordinal < allocations.Count; ordinal++)
        {
            if (allocations[ordinal] is JsonValue value && value.GetValue<int>() is var index && index < attributes.Count
                && attributes[index]?["handle_id"]?.GetValue<string>() == handleId)
            {
                result.Add(ordinal);
            }
        }

        return result;
    }

    /// <summary>Frees <paramref name="ordinals"/>: tail of the FIFO, attributes re-indexed, sequence number bumped.</summary>
    public static void Release(JsonObject block, IReadOnlyCollection<int> ordinals)
    {
        var spec = block["spec"]!.AsObject();
        var allocations = spec["allocations"]!.AsArray();
        var unallocated = spec["unallocated"]!.AsArray();
        var perOrdinal = spec["sequenceNumberForAllocation"] as JsonObject;
        foreach (var ordinal in ordinals)
        {
            allocations[ordinal] = null;
            unallocated.Add(ordinal);
            perOrdinal?.Remove(ordinal.ToString(CultureInfo.InvariantCulture));
        }

        DropUnreferencedAttributes(spec, allocations);
        spec["sequenceNumber"] = (spec["sequenceNumber"]?.GetValue<long>() ?? 0) + 1;
    }

    private static void DropUnreferencedAttributes(JsonObject spec, JsonArray allocations)
    {
        var attributes = spec["attributes"] as JsonArray ?? [];
        var used = allocations.OfType<JsonValue>().Select(v => v.GetValue<int>()).ToHashSet();
        var remap = new Dictionary<int, int>();
        var kept = new JsonArray();
        for (var i = 0; i < attributes.Count; i++)
        {
            if (used.Contains(i))
            {
                remap[i] = kept.Count;
                kept.Add(attributes[i]?.DeepClone());
            }
        }

        for (var ordinal = 0; ordinal < allocations.Count; ordinal++)
        {
            if (allocations[ordinal] is JsonValue value)
            {
                allocations[ordinal] = remap[value.GetValue<int>()];
            }
        }

        spec["attributes"] = kept;
    }
}
