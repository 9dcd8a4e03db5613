using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Naming;

namespace IpamCleanup.Core.Model;

/// <summary>
/// A Kubernetes object held as its whole JSON tree, with typed accessors over the fields this module uses.
/// Reading then writing preserves every field and annotation the module does not know; a setter changes only the
/// field it names.
/// </summary>
public class CalicoObject
{
    public CalicoObject(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Json = json;
    }

    /// <summary>The live JSON tree; edits through it are edits of this object.</summary>
    public JsonObject Json { get; }

    public string? ApiVersion
    {
        get => Json.GetString("apiVersion");
        set => Json.SetString("apiVersion", value);
    }

    public string? Kind
    {
        get => Json.GetString("kind");
        set => Json.SetString("kind", value);
    }

    public string? Name
    {
        get => Metadata.GetString("name");
        set => Json.EnsureObject("metadata").SetString("name", value);
    }

    public string? Namespace
    {
        get => Metadata.GetString("namespace");
        set => Json.EnsureObject("metadata").SetString("namespace", value);
    }

    public string? ResourceVersion
    {
        get => Metadata.GetString("resourceVersion");
        set => Json.EnsureObject("metadata").SetString("resourceVersion", value);
    }

    public string? Uid
    {
        get => Metadata.GetString("uid");
        set => Json.EnsureObject("metadata").SetString("uid", value);
    }

    /// <summary>
    /// The UID as libcalico exposes it and <c>calicoctl ipam check</c> reports it: bit-reversed for
    /// crd.projectcalico.org objects (§1.12), unchanged for native v3 objects.
    /// </summary>
    public string? ReportUid =>
        Uid is { } uid && IsCrdV1Shape && CalicoUid.TryReverse(uid, out var reversed) ? reversed : Uid;

    public DateTimeOffset? CreationTimestamp => GoTimestamp.Parse(Metadata.GetString("creationTimestamp"));

    public IReadOnlyDictionary<string, string> Annotations => Metadata.GetStringMap("annotations");

    public IReadOnlyDictionary<string, string> Labels => Metadata.GetStringMap("labels");

    /// <summary>True for crd.projectcalico.org objects, whose specs use libcalico's internal (v1) shapes.</summary>
    public bool IsCrdV1Shape => CalicoApiVersion.GroupOf(ApiVersion) == CalicoApiVersion.CrdGroup;

    protected JsonObject? Metadata => Json.GetObject("metadata");

    protected JsonObject? Spec => Json.GetObject("spec");

    /// <summary>Sets one annotation, or removes it when <paramref name="value"/> is null.</summary>
    public void SetAnnotation(string key, string? value) => SetMapEntry("annotations", key, value);

    /// <summary>Sets one label, or removes it when <paramref name="value"/> is null.</summary>
    public void SetLabel(string key, string? value) => SetMapEntry("labels", key, value);

    public virtual CalicoObject DeepClone() => new((JsonObject)Json.DeepClone());

    /// <summary>Compact JSON of the whole object, ready for a PUT.</summary>
    public string ToJsonString() => Json.ToJsonString(CalicoJson.WriteOptions);

    public byte[] ToUtf8Bytes() => JsonSerializer.SerializeToUtf8Bytes(Json, CalicoJson.WriteOptions);

    public override string ToString() => $"{Kind}/{Name}";

    /// <summary>Parses an object and wraps it in the typed class for its kind (plain <see cref="CalicoObject"/> for others).</summary>
    /// <exception cref="JsonException">The text is not a JSON object.</exception>
    public static CalicoObject Parse(string json) => FromJson(ParseObject(json));

    public static CalicoObject FromJson(JsonObject json) => json.GetString("kind") switch
    {
        "IPAMBlock" => new IpamBlockObject(json),
        "IPAMHandle" => new IpamHandleObject(json),
        "BlockAffinity" => new BlockAffinityObject(json),
        "IPAMConfig" or "IPAMConfiguration" => new IpamConfigObject(json),
        "ClusterInformation" => new ClusterInformationObject(json),
        "IPPool" => new IpPoolObject(json),
        "KubeControllersConfiguration" => new KubeControllersConfigurationObject(json),
        _ => new CalicoObject(json),
    };

    /// <summary>A mutable copy of an element (for example an item of a LIST response).</summary>
    public static JsonObject ToJsonObject(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
            ? ParseObject(element.GetRawText())
            : throw new JsonException($"Expected a JSON object, found {element.ValueKind}.");

    protected static JsonObject ParseObject(string json) =>
        JsonNode.Parse(json) as JsonObject ?? throw new JsonException("Expected a JSON object.");

    protected JsonObject EnsureSpec() => Json.EnsureObject("spec");

    private void SetMapEntry(string mapName, string key, string? value)
    {
        if (value is null)
        {
            Metadata.GetObject(mapName)?.Remove(key);
            return;
        }

        Json.EnsureObject("metadata").EnsureObject(mapName)[key] = JsonValue.Create(value);
    }
}
