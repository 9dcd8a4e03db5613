using System.Globalization;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Tests.TestSupport;

/// <summary>
/// Builds IPAMBlock JSON the way libcalico's block tests do (allocate ordinals to a new attribute, taking them out of
/// unallocated), carrying fields this module does not know so losslessness is exercised everywhere.
/// </summary>
internal sealed class TestBlock
{
    private readonly JsonObject _json;
    private readonly int _size;

    public TestBlock(string cidr, string? affinity = "host:node-a", ulong sequenceNumber = 1_735_725_600_000_000_042UL, string apiVersion = "crd.projectcalico.org/v1")
    {
        var net = IpNet.Parse(cidr);
        _size = net.SizeAsInt32!.Value;
        var allocations = new JsonArray();
        var unallocated = new JsonArray();
        for (var i = 0; i < _size; i++)
        {
            allocations.Add(null);
            unallocated.Add(i);
        }

        var spec = new JsonObject
        {
            ["cidr"] = cidr,
            ["allocations"] = allocations,
            ["unallocated"] = unallocated,
            ["attributes"] = new JsonArray(),
            ["sequenceNumber"] = sequenceNumber,
            ["sequenceNumberForAllocation"] = new JsonObject(),
            ["deleted"] = false,
            ["strictAffinity"] = false,
            ["futureSpecField"] = new JsonObject { ["nested"] = new JsonArray(1, "two", null) },
        };
        if (affinity is not null)
        {
            spec["affinity"] = affinity;
            spec["affinityClaimTime"] = "2025-01-01T00:00:00Z";
        }

        _json = new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = "IPAMBlock",
            ["metadata"] = new JsonObject
            {
                ["name"] = net.ToString().Replace('.', '-').Replace(':', '-').Replace('/', '-'),
                ["resourceVersion"] = "123",
                ["uid"] = "30316465-6365-4463-ad63-3564622d3638",
                ["creationTimestamp"] = "2025-01-01T00:00:00Z",
                ["annotations"] = new JsonObject { ["projectcalico.org/metadata"] = "{\"uid\":\"x\"}", ["example.com/keep"] = "me" },
                ["labels"] = new JsonObject { ["team"] = "net" },
                ["managedFields"] = new JsonArray(new JsonObject { ["manager"] = "calico", ["operation"] = "Update" }),
            },
            ["spec"] = spec,
            ["status"] = new JsonObject { ["unknown"] = true },
        };
    }

    private JsonObject Spec => _json["spec"]!.AsObject();

    /// <summary>Points every ordinal at one new attribute (libcalico's allocateAttrib) and records their sequence number.</summary>
    public TestBlock Allocate(int[] ordinals, string? handle, IDictionary<string, string>? secondary = null, ulong? sequence = null, string? releasedAt = null)
    {
        var attributes = Spec["attributes"]!.AsArray();
        var attribute = new JsonObject();
        if (handle is not null)
        {
            attribute["handle_id"] = handle;
        }

        if (secondary is not null)
        {
            var map = new JsonObject();
            foreach (var (key, value) in secondary)
            {
                map[key] = value;
            }

            attribute["secondary"] = map;
        }

        if (releasedAt is not null)
        {
            attribute["releasedAt"] = releasedAt;
        }

        attribute["futureAttributeField"] = "kept";
        var index = attributes.Count;
        attributes.Add(attribute);
        var allocations = Spec["allocations"]!.AsArray();
        foreach (var ordinal in ordinals)
        {
            allocations[ordinal] = index;
            if (sequence is { } s)
            {
                Spec["sequenceNumberForAllocation"]![ordinal.ToString(CultureInfo.InvariantCulture)] = s;
            }
        }

        var unallocated = Spec["unallocated"]!.AsArray();
        for (var i = unallocated.Count - 1; i >= 0; i--)
        {
            if (ordinals.Contains(unallocated[i]!.GetValue<int>()))
            {
                unallocated.RemoveAt(i);
            }
        }

        return this;
    }

    public TestBlock With(Action<JsonObject> editSpec)
    {
        editSpec(Spec);
        return this;
    }

    public IpamBlockObject ToObject() => IpamBlockObject.Parse(ToJson());

    public string ToJson() => _json.ToJsonString();
}
