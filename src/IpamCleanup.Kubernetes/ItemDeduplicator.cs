using System.Text.Json;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// Remembers which objects of one LIST were delivered, by UID, so that a LIST restarted after its continue token
/// expired delivers each object once. Objects deleted in between stay delivered, which errs towards "still in use".
/// </summary>
internal sealed class ItemDeduplicator
{
    private readonly HashSet<Guid> _guids = [];
    private readonly HashSet<string> _others = new(StringComparer.Ordinal);

    /// <summary>True the first time an object with this UID (or, without one, this namespace/name) is seen.</summary>
    public bool FirstTime(JsonElement item)
    {
        if (!item.TryGetProperty("metadata"u8, out var metadata) || metadata.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        if (metadata.TryGetProperty("uid"u8, out var uid) && uid.ValueKind == JsonValueKind.String)
        {
            return uid.TryGetGuid(out var guid) ? _guids.Add(guid) : _others.Add(uid.GetString()!);
        }

        var name = metadata.TryGetProperty("name"u8, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var ns = metadata.TryGetProperty("namespace"u8, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return FirstTime(null, ns, name);
    }

    public bool FirstTime(string? uid, string? @namespace, string? name)
    {
        if (uid is not null)
        {
            return Guid.TryParse(uid, out var guid) ? _guids.Add(guid) : _others.Add(uid);
        }

        return name is null || _others.Add(@namespace + "/" + name);
    }
}
