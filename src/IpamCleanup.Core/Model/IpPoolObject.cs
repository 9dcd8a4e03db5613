using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Model;

/// <summary>An IPPool (read-mostly: the module never edits pools, but the accessors follow the same rules).</summary>
public sealed class IpPoolObject : CalicoObject
{
    public IpPoolObject(JsonObject json)
        : base(json)
    {
    }

    public static new IpPoolObject Parse(string json) => new(ParseObject(json));

    public static IpPoolObject FromElement(JsonElement element) => new(ToJsonObject(element));

    public string? Cidr
    {
        get => Spec.GetString("cidr");
        set => EnsureSpec().SetString("cidr", value);
    }

    public IpNet CidrNet => IpNet.TryParse(Cidr, out var net) ? net : default;

    /// <summary>The stored block size, null when absent; see <see cref="EffectiveBlockSize"/>.</summary>
    public int? BlockSize
    {
        get => Spec.GetInt32("blockSize");
        set
        {
            if (value is null)
            {
                Spec?.Remove("blockSize");
            }
            else
            {
                EnsureSpec()["blockSize"] = JsonValue.Create(value.Value);
            }
        }
    }

    /// <summary>The block size, defaulting to 26 for IPv4 pools and 122 for IPv6 pools.</summary>
    public int EffectiveBlockSize => BlockSize is { } size && size > 0 ? size : DefaultBlockSize(Cidr);

    public bool Disabled
    {
        get => Spec.GetBool("disabled") ?? false;
        set => EnsureSpec()["disabled"] = JsonValue.Create(value);
    }

    public string? NodeSelector
    {
        get => Spec.GetString("nodeSelector");
        set => EnsureSpec().SetString("nodeSelector", value);
    }

    /// <summary>"Workload", "Tunnel", "LoadBalancer"; Calico treats an empty list as Workload + Tunnel.</summary>
    public IReadOnlyList<string> AllowedUses
    {
        get
        {
            var array = Spec.GetArray("allowedUses");
            if (array is null)
            {
                return Array.Empty<string>();
            }

            var result = new List<string>(array.Count);
            foreach (var node in array)
            {
                if (JsonNodeAccess.AsString(node) is { } use)
                {
                    result.Add(use);
                }
            }

            return result;
        }
    }

    public string? AssignmentMode => Spec.GetString("assignmentMode");

    public string? IpipMode => Spec.GetString("ipipMode");

    public string? VxlanMode => Spec.GetString("vxlanMode");

    public bool NatOutgoing => Spec.GetBool("natOutgoing") ?? false;

    public override IpPoolObject DeepClone() => new((JsonObject)Json.DeepClone());

    internal static int DefaultBlockSize(string? cidr) => cidr is not null && cidr.Contains(':', StringComparison.Ordinal) ? 122 : 26;
}
