using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>
/// Server-side printing (<c>Accept: application/json;as=Table;g=meta.k8s.io;v=v1</c>), so that plain
/// <c>kubectl get pods</c> shows READY, STATUS and AGE as against a real cluster. Custom resources get
/// the API server's default NAME and CREATED AT columns.
/// </summary>
internal static class TableWriter
{
    private static readonly TableColumn Name = new("Name", "string", Format: "name");
    private static readonly TableColumn Age = new("Age", "string");

    public static bool Wants(string? accept) =>
        accept is not null && accept.Contains("as=Table", StringComparison.Ordinal) && accept.Contains("g=meta.k8s.io", StringComparison.Ordinal);

    public static byte[] Write(ResourceType type, IReadOnlyList<StoredObject> items, JsonObject listMetadata)
    {
        var columns = Columns(type);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonDefaults.Writer))
        {
            json.WriteStartObject();
            json.WriteString("kind", "Table");
            json.WriteString("apiVersion", "meta.k8s.io/v1");
            json.WritePropertyName("metadata");
            listMetadata.WriteTo(json);
            json.WritePropertyName("columnDefinitions");
            json.WriteStartArray();
            foreach (var column in columns)
            {
                json.WriteStartObject();
                json.WriteString("name", column.Name);
                json.WriteString("type", column.Type);
                json.WriteString("format", column.Format);
                json.WriteString("description", column.Name);
                json.WriteNumber("priority", column.Priority);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WritePropertyName("rows");
            json.WriteStartArray();
            var now = DateTimeOffset.UtcNow;
            foreach (var item in items)
            {
                using var document = JsonDocument.Parse(item.Json);
                var root = document.RootElement;
                json.WriteStartObject();
                json.WritePropertyName("cells");
                json.WriteStartArray();
                foreach (var cell in Cells(type, root, now))
                {
                    if (cell is long number)
                    {
                        json.WriteNumberValue(number);
                    }
                    else
                    {
                        json.WriteStringValue((string)cell);
                    }
                }

                json.WriteEndArray();
                json.WritePropertyName("object");
                json.WriteStartObject();
                json.WriteString("kind", "PartialObjectMetadata");
                json.WriteString("apiVersion", "meta.k8s.io/v1");
                json.WritePropertyName("metadata");
                root.GetProperty("metadata").WriteTo(json);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static TableColumn[] Columns(ResourceType type) => (type.Group, type.Plural) switch
    {
        ("", "pods") =>
        [
            Name, new("Ready", "string"), new("Status", "string"), new("Restarts", "integer"), Age,
            new("IP", "string", 1), new("Node", "string", 1), new("Nominated Node", "string", 1), new("Readiness Gates", "string", 1),
        ],
        ("", "nodes") =>
        [
            Name, new("Status", "string"), new("Roles", "string"), Age, new("Version", "string"),
            new("Internal-IP", "string", 1), new("External-IP", "string", 1), new("OS-Image", "string", 1), new("Kernel-Version", "string", 1), new("Container-Runtime", "string", 1),
        ],
        ("", "services") =>
        [
            Name, new("Type", "string"), new("Cluster-IP", "string"), new("External-IP", "string"), new("Port(s)", "string"), Age, new("Selector", "string", 1),
        ],
        ("", "namespaces") => [Name, new("Status", "string"), Age],
        _ => [Name, new("Created At", "date")],
    };

    private static List<object> Cells(ResourceType type, JsonElement root, DateTimeOffset now)
    {
        var metadata = root.GetProperty("metadata");
        var name = Text(metadata, "name");
        var created = Text(metadata, "creationTimestamp");
        var age = DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? HumanDuration.Format(now - time)
            : "<unknown>";
        var spec = Child(root, "spec");
        var status = Child(root, "status");
        return (type.Group, type.Plural) switch
        {
            ("", "pods") => PodCells(name, age, metadata, spec, status),
            ("", "nodes") => NodeCells(name, age, metadata, spec, status),
            ("", "services") => ServiceCells(name, age, spec),
            ("", "namespaces") => [name, Text(status, "phase"), age],
            _ => [name, created],
        };
    }

    private static List<object> PodCells(string name, string age, JsonElement metadata, JsonElement spec, JsonElement status)
    {
        var containers = Array(spec, "containers").Count();
        var statuses = Array(status, "containerStatuses").ToList();
        var ready = statuses.Count(s => s.TryGetProperty("ready", out var r) && r.ValueKind == JsonValueKind.True);
        var restarts = statuses.Sum(s => s.TryGetProperty("restartCount", out var r) && r.TryGetInt64(out var n) ? n : 0);
        var phase = Text(status, "reason") is { Length: > 0 } reason ? reason : Text(status, "phase");
        if (metadata.TryGetProperty("deletionTimestamp", out _))
        {
            phase = "Terminating";
        }

        return [name, $"{ready}/{containers}", phase, restarts, age, OrNone(Text(status, "podIP")), OrNone(Text(spec, "nodeName")), "<none>", "<none>"];
    }

    private static List<object> NodeCells(string name, string age, JsonElement metadata, JsonElement spec, JsonElement status)
    {
        var isReady = Array(status, "conditions").Any(c => Text(c, "type") == "Ready" && Text(c, "status") == "True");
        var state = (isReady ? "Ready" : "NotReady") + (Child(spec, "unschedulable").ValueKind == JsonValueKind.True ? ",SchedulingDisabled" : "");
        var roles = Child(metadata, "labels") is { ValueKind: JsonValueKind.Object } labels
            ? string.Join(',', labels.EnumerateObject().Select(l => l.Name).Where(l => l.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(l => l[24..]))
            : "";
        var addresses = Array(status, "addresses").ToList();
        string Address(string kind) => OrNone(addresses.Where(a => Text(a, "type") == kind).Select(a => Text(a, "address")).FirstOrDefault() ?? "");
        var info = Child(status, "nodeInfo");
        return [name, state, OrNone(roles), age, Text(info, "kubeletVersion"), Address("InternalIP"), Address("ExternalIP"), Text(info, "osImage"), Text(info, "kernelVersion"), Text(info, "containerRuntimeVersion")];
    }

    private static List<object> ServiceCells(string name, string age, JsonElement spec)
    {
        var ports = string.Join(',', Array(spec, "ports").Select(p => (p.TryGetProperty("port", out var n) ? n.GetRawText() : "") + "/" + Text(p, "protocol")));
        var selector = Child(spec, "selector") is { ValueKind: JsonValueKind.Object } s
            ? string.Join(',', s.EnumerateObject().Select(p => p.Name + "=" + p.Value.GetString()))
            : "";
        return [name, Text(spec, "type"), OrNone(Text(spec, "clusterIP")), "<none>", OrNone(ports), age, OrNone(selector)];
    }

    private static JsonElement Child(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var child) ? child : default;

    private static IEnumerable<JsonElement> Array(JsonElement element, string property) =>
        Child(element, property) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    private static string Text(JsonElement element, string property) =>
        Child(element, property) is { ValueKind: JsonValueKind.String } value ? value.GetString() ?? "" : "";

    private static string OrNone(string value) => value.Length == 0 ? "<none>" : value;
}
