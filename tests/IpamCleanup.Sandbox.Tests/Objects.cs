using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

/// <summary>Small objects for tests, written the way kubectl and Calico write them.</summary>
internal static class Objects
{
    public const string Calico = "crd.projectcalico.org/v1";
    public const string Blocks = "/apis/crd.projectcalico.org/v1/ipamblocks";
    public const string Handles = "/apis/crd.projectcalico.org/v1/ipamhandles";

    public static JsonObject Block(string cidr, string? node = "node-a") => new()
    {
        ["apiVersion"] = Calico,
        ["kind"] = "IPAMBlock",
        ["metadata"] = new JsonObject { ["name"] = CalicoNames.BlockName(cidr) },
        ["spec"] = new JsonObject
        {
            ["cidr"] = cidr,
            ["affinity"] = node is null ? null : "host:" + node,
            ["allocations"] = new JsonArray(null, null, null, null),
            ["unallocated"] = new JsonArray(0, 1, 2, 3),
            ["attributes"] = new JsonArray(),
            ["sequenceNumber"] = 1735725600000000000,
            ["deleted"] = false,
            ["strictAffinity"] = false,
        },
    };

    public static JsonObject Handle(string handleId, string cidr) => new()
    {
        ["apiVersion"] = Calico,
        ["kind"] = "IPAMHandle",
        ["metadata"] = new JsonObject { ["name"] = handleId.ToLowerInvariant() },
        ["spec"] = new JsonObject { ["handleID"] = handleId, ["block"] = new JsonObject { [cidr] = 1 }, ["deleted"] = false },
    };

    public static JsonObject Pod(string ns, string name, string node = "node-a", JsonObject? labels = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels ?? new JsonObject() },
        ["spec"] = new JsonObject
        {
            ["nodeName"] = node,
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "registry.example.com/app:1" }),
        },
        ["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = "10.0.0.1" },
    };

    public static string BlockPath(string cidr) => Blocks + "/" + CalicoNames.BlockName(cidr);

    public static string PodPath(string ns, string name) => $"/api/v1/namespaces/{ns}/pods/{name}";

    public static string Rv(JsonNode obj) => obj["metadata"]!["resourceVersion"]!.GetValue<string>();

    public static string Uid(JsonNode obj) => obj["metadata"]!["uid"]!.GetValue<string>();

    public static long RvNumber(JsonNode obj) => long.Parse(Rv(obj), System.Globalization.CultureInfo.InvariantCulture);
}
