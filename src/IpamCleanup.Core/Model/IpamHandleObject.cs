using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Model;

/// <summary>An IPAMHandle: <c>spec.handleID</c> (case preserved) and the per-block address counts.</summary>
public sealed class IpamHandleObject : CalicoObject
{
    public IpamHandleObject(JsonObject json)
        : base(json)
    {
    }

    public static new IpamHandleObject Parse(string json) => new(ParseObject(json));

    public static IpamHandleObject FromElement(JsonElement element) => new(ToJsonObject(element));

    /// <summary>The authoritative handle ID; <c>metadata.name</c> is its lower-cased form.</summary>
    public string? HandleId
    {
        get => Spec.GetString("handleID");
        set => EnsureSpec().SetString("handleID", value);
    }

    /// <summary><c>spec.block</c>: block CIDR (Go canonical text) → number of addresses; non-integer entries are left out.</summary>
    public IReadOnlyDictionary<string, int> Block
    {
        get
        {
            var map = Spec.GetObject("block");
            var result = new Dictionary<string, int>(map?.Count ?? 0, StringComparer.Ordinal);
            if (map is not null)
            {
                foreach (var (cidr, value) in map)
                {
                    if (JsonNodeAccess.TryGetInt32(value, out var count))
                    {
                        result[cidr] = count;
                    }
                }
            }

            return result;
        }
    }

    public bool Deleted
    {
        get => Spec.GetBool("deleted") ?? false;
        set => EnsureSpec()["deleted"] = JsonValue.Create(value);
    }

    /// <summary>Sets the count for one block key, or removes the key when <paramref name="count"/> is null.</summary>
    public void SetBlockCount(string blockKey, int? count)
    {
        if (count is null)
        {
            Spec.GetObject("block")?.Remove(blockKey);
            return;
        }

        EnsureSpec().EnsureObject("block")[blockKey] = JsonValue.Create(count.Value);
    }

    public HandleInfo ToHandleInfo() => SnapshotParsers.ParseHandle(JsonSerializer.SerializeToElement(Json), null);

    public override IpamHandleObject DeepClone() => new((JsonObject)Json.DeepClone());
}
