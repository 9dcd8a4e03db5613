using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Json;

namespace IpamCleanup.Core.Model;

/// <summary>ClusterInformation <c>default</c>; <see cref="DatastoreReady"/> false means the datastore is locked.</summary>
public sealed class ClusterInformationObject : CalicoObject
{
    public ClusterInformationObject(JsonObject json)
        : base(json)
    {
    }

    public static new ClusterInformationObject Parse(string json) => new(ParseObject(json));

    public static ClusterInformationObject FromElement(JsonElement element) => new(ToJsonObject(element));

    public string? ClusterGuid
    {
        get => Spec.GetString("clusterGUID");
        set => EnsureSpec().SetString("clusterGUID", value);
    }

    public string? ClusterType
    {
        get => Spec.GetString("clusterType");
        set => EnsureSpec().SetString("clusterType", value);
    }

    public string? CalicoVersion
    {
        get => Spec.GetString("calicoVersion");
        set => EnsureSpec().SetString("calicoVersion", value);
    }

    public string? Variant
    {
        get => Spec.GetString("variant");
        set => EnsureSpec().SetString("variant", value);
    }

    /// <summary>
    /// Null when absent. Setting writes an explicit JSON boolean (false must be present, since calico-node only fills
    /// a missing flag and never overwrites an explicit false); setting null removes the field.
    /// </summary>
    public bool? DatastoreReady
    {
        get => Spec.GetBool("datastoreReady");
        set
        {
            if (value is null)
            {
                Spec?.Remove("datastoreReady");
            }
            else
            {
                EnsureSpec()["datastoreReady"] = JsonValue.Create(value.Value);
            }
        }
    }

    public override ClusterInformationObject DeepClone() => new((JsonObject)Json.DeepClone());
}
