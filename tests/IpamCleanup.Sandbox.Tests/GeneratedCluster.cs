using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

/// <summary>A generated scenario parsed back into objects, grouped by kind, for assertions.</summary>
internal sealed class GeneratedCluster
{
    public GeneratedCluster(GeneratedScenario scenario)
    {
        Scenario = scenario;
        var items = scenario.Items().Select(i => JsonNode.Parse(i)!.AsObject()).ToList();
        ByKind = items.GroupBy(i => i["kind"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.ToList());
    }

    public GeneratedScenario Scenario { get; }

    public Dictionary<string, List<JsonObject>> ByKind { get; }

    public List<JsonObject> Of(string kind) => ByKind.TryGetValue(kind, out var list) ? list : [];

    public static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    public static JsonObject Spec(JsonObject obj) => obj["spec"]!.AsObject();

    /// <summary>(handle, block cidr) → number of ordinals carrying that handle.</summary>
    public Dictionary<(string Handle, string Cidr), int> AllocationsByHandle()
    {
        var result = new Dictionary<(string, string), int>();
        foreach (var block in Of("IPAMBlock"))
        {
            var spec = Spec(block);
            var attributes = spec["attributes"]!.AsArray();
            foreach (var index in spec["allocations"]!.AsArray().OfType<JsonValue>().Select(v => v.GetValue<int>()))
            {
                var key = (attributes[index]!["handle_id"]!.GetValue<string>(), spec["cidr"]!.GetValue<string>());
                result[key] = result.GetValueOrDefault(key) + 1;
            }
        }

        return result;
    }

    /// <summary>ip → (handle, attribute, block) for every allocated ordinal.</summary>
    public Dictionary<string, (string Handle, JsonObject Attribute, JsonObject Block)> AllocationsByIp()
    {
        var result = new Dictionary<string, (string, JsonObject, JsonObject)>();
        foreach (var block in Of("IPAMBlock"))
        {
            var spec = Spec(block);
            var cidr = spec["cidr"]!.GetValue<string>();
            var slash = cidr.IndexOf('/', StringComparison.Ordinal);
            var baseAddress = System.Net.IPAddress.Parse(cidr[..slash]).GetAddressBytes();
            var allocations = spec["allocations"]!.AsArray();
            for (var ordinal = 0; ordinal < allocations.Count; ordinal++)
            {
                if (allocations[ordinal] is JsonValue value)
                {
                    var attribute = spec["attributes"]![value.GetValue<int>()]!.AsObject();
                    result.Add(Add(baseAddress, ordinal), (attribute["handle_id"]!.GetValue<string>(), attribute, block));
                }
            }
        }

        return result;
    }

    private static string Add(byte[] address, int offset)
    {
        var bytes = (byte[])address.Clone();
        var carry = offset;
        for (var i = bytes.Length - 1; i >= 0 && carry > 0; i--)
        {
            var sum = bytes[i] + carry;
            bytes[i] = (byte)(sum & 0xFF);
            carry = sum >> 8;
        }

        return new System.Net.IPAddress(bytes).ToString();
    }
}
