using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

/// <summary>The structural rules every IPAM block must satisfy (calico-ipam.md §1.3), as assertions.</summary>
internal static class BlockInvariants
{
    public static void AssertValid(JsonObject block)
    {
        var name = block["metadata"]!["name"]!.GetValue<string>();
        var spec = block["spec"]!.AsObject();
        var cidr = spec["cidr"]!.GetValue<string>();
        var prefix = int.Parse(cidr[(cidr.IndexOf('/', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var size = 1 << ((cidr.Contains(':', StringComparison.Ordinal) ? 128 : 32) - prefix);
        var allocations = spec["allocations"]!.AsArray();
        var attributes = spec["attributes"]!.AsArray();
        var unallocated = spec["unallocated"]!.AsArray().Select(u => u!.GetValue<int>()).ToList();

        Assert.Equal(CalicoNames.BlockName(cidr), name);
        Assert.Equal(size, allocations.Count);
        var allocated = new List<int>();
        var referenced = new HashSet<int>();
        for (var ordinal = 0; ordinal < allocations.Count; ordinal++)
        {
            if (allocations[ordinal] is JsonValue value)
            {
                var index = value.GetValue<int>();
                Assert.InRange(index, 0, attributes.Count - 1);
                referenced.Add(index);
                allocated.Add(ordinal);
            }
        }

        Assert.Equal(attributes.Count, referenced.Count);
        Assert.Equal(unallocated.Count, unallocated.Distinct().Count());
        Assert.All(unallocated, o => Assert.InRange(o, 0, size - 1));
        Assert.Empty(unallocated.Intersect(allocated));
        Assert.Equal(size, unallocated.Count + allocated.Count);
        for (var i = 0; i < attributes.Count; i++)
        {
            for (var j = i + 1; j < attributes.Count; j++)
            {
                Assert.False(JsonNode.DeepEquals(attributes[i], attributes[j]), $"{name}: attributes {i} and {j} are equal and should be shared");
            }
        }

        var sequence = spec["sequenceNumber"]!.GetValue<long>();
        var perOrdinal = spec["sequenceNumberForAllocation"]?.AsObject() ?? [];
        Assert.Equal(allocated.Select(o => o.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), perOrdinal.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(perOrdinal.Count, perOrdinal.Select(p => p.Value!.GetValue<long>()).Distinct().Count());
        Assert.All(perOrdinal, p => Assert.True(p.Value!.GetValue<long>() < sequence, $"{name}: ordinal {p.Key} was allocated at a sequence number not below the block's"));
        Assert.False(spec["deleted"]!.GetValue<bool>());
        Assert.False(spec["strictAffinity"]!.GetValue<bool>());
    }
}
