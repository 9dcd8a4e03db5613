using System.Text.Json;

namespace IpamCleanup.Kubernetes;

/// <summary>Which Calico API groups <c>GET /apis</c> lists, and the layout that follows (calico-ipam.md §1.1).</summary>
internal sealed record ApiDiscovery(bool ClassicServed, bool NativeServed, bool MigrationServed)
{
    public static ApiDiscovery Parse(ReadOnlySpan<byte> apis)
    {
        using var document = JsonDocument.Parse(apis.ToArray());
        bool classic = false, native = false, migration = false;
        if (document.RootElement.ValueKind == JsonValueKind.Object &&
            document.RootElement.TryGetProperty("groups", out var groups) && groups.ValueKind == JsonValueKind.Array)
        {
            foreach (var group in groups.EnumerateArray())
            {
                var name = group.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                switch (name)
                {
                    case CalicoResources.ClassicGroup:
                        classic = Serves(group, "v1");
                        break;
                    case CalicoResources.NativeGroup:
                        native = Serves(group, "v3");
                        break;
                    case "migration.projectcalico.org":
                        migration = Serves(group, "v1");
                        break;
                }
            }
        }

        return new ApiDiscovery(classic, native, migration);
    }

    /// <summary>libcalico's rule: v3 only when the v3 group is served and the v1 group is not, unless a group is forced.</summary>
    public CalicoApiLayout? SelectLayout(string? forcedGroup) => forcedGroup switch
    {
        CalicoResources.ClassicGroup => ClassicServed ? (NativeServed ? CalicoApiLayout.ClassicWithApiServer : CalicoApiLayout.Classic) : null,
        CalicoResources.NativeGroup => NativeServed ? CalicoApiLayout.NativeV3 : null,
        _ when ClassicServed && NativeServed => CalicoApiLayout.ClassicWithApiServer,
        _ when ClassicServed => CalicoApiLayout.Classic,
        _ when NativeServed => CalicoApiLayout.NativeV3,
        _ => null,
    };

    private static bool Serves(JsonElement group, string version)
    {
        if (group.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Array)
        {
            foreach (var v in versions.EnumerateArray())
            {
                if (v.TryGetProperty("version", out var text) && text.ValueKind == JsonValueKind.String && text.ValueEquals(version))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
