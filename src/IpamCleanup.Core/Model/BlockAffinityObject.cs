using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Model;

/// <summary>
/// A BlockAffinity. <see cref="Deleted"/> is a string ("true"/"false") in crd.projectcalico.org/v1 and a boolean in
/// projectcalico.org/v3; it is written back in the form the object already uses.
/// </summary>
public sealed class BlockAffinityObject : CalicoObject
{
    public const string StatePending = "pending";
    public const string StateConfirmed = "confirmed";
    public const string StatePendingDeletion = "pendingDeletion";

    public BlockAffinityObject(JsonObject json)
        : base(json)
    {
    }

    public static new BlockAffinityObject Parse(string json) => new(ParseObject(json));

    public static BlockAffinityObject FromElement(JsonElement element) => new(ToJsonObject(element));

    /// <summary>"", "pending", "confirmed" or "pendingDeletion" ("" is old data and means confirmed).</summary>
    public string? State
    {
        get => Spec.GetString("state");
        set => EnsureSpec().SetString("state", value);
    }

    public string? Node
    {
        get => Spec.GetString("node");
        set => EnsureSpec().SetString("node", value);
    }

    /// <summary>The stored type, possibly empty on pre-upgrade rows; see <see cref="EffectiveType"/>.</summary>
    public string? Type
    {
        get => Spec.GetString("type");
        set => EnsureSpec().SetString("type", value);
    }

    /// <summary>"host" when the stored type is empty, as libcalico reads it.</summary>
    public string EffectiveType => string.IsNullOrEmpty(Type) ? "host" : Type;

    public string? Cidr
    {
        get => Spec.GetString("cidr");
        set => EnsureSpec().SetString("cidr", value);
    }

    public bool Deleted
    {
        get => Spec.GetBool("deleted") ?? false;
        set
        {
            var spec = EnsureSpec();
            spec["deleted"] = UsesStringDeleted(spec) ? JsonValue.Create(value ? "true" : "false") : JsonValue.Create(value);
        }
    }

    public AffinityInfo ToAffinityInfo() => SnapshotParsers.ParseAffinity(JsonSerializer.SerializeToElement(Json), null);

    public override BlockAffinityObject DeepClone() => new((JsonObject)Json.DeepClone());

    // An existing value decides the form; without one the apiVersion does (v1 CRD: string, v3: bool).
    private bool UsesStringDeleted(JsonObject spec)
    {
        if (spec.TryGetPropertyValue("deleted", out var existing) && existing is JsonValue value)
        {
            var kind = value.GetValueKind();
            if (kind == JsonValueKind.String)
            {
                return true;
            }

            if (kind is JsonValueKind.True or JsonValueKind.False)
            {
                return false;
            }
        }

        return IsCrdV1Shape;
    }
}
