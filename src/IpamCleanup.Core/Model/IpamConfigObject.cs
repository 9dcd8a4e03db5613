using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Json;

namespace IpamCleanup.Core.Model;

/// <summary>
/// IPAMConfig (v1) / IPAMConfiguration (v3) <c>default</c>. Accessors return null when a field is absent; see
/// <see cref="IpamCleanup.Core.Snapshot.IpamSettings"/> for Calico's defaults. Setting null removes a field.
/// </summary>
public sealed class IpamConfigObject : CalicoObject
{
    public IpamConfigObject(JsonObject json)
        : base(json)
    {
    }

    public static new IpamConfigObject Parse(string json) => new(ParseObject(json));

    public static IpamConfigObject FromElement(JsonElement element) => new(ToJsonObject(element));

    public bool? StrictAffinity
    {
        get => Spec.GetBool("strictAffinity");
        set => SetBool("strictAffinity", value);
    }

    public bool? AutoAllocateBlocks
    {
        get => Spec.GetBool("autoAllocateBlocks");
        set => SetBool("autoAllocateBlocks", value);
    }

    /// <summary>0 or absent means Calico's default of 20.</summary>
    public int? MaxBlocksPerHost
    {
        get => Spec.GetInt32("maxBlocksPerHost");
        set => SetInt("maxBlocksPerHost", value);
    }

    /// <summary>"Enabled" or "Disabled"; absent means Enabled.</summary>
    public string? KubeVirtVMAddressPersistence
    {
        get => Spec.GetString("kubeVirtVMAddressPersistence");
        set => EnsureSpec().SetString("kubeVirtVMAddressPersistence", value);
    }

    /// <summary>v3.33 IP cooldown, 0–1200 seconds.</summary>
    public int? IpCooldownSeconds
    {
        get => Spec.GetInt32("ipCooldownSeconds");
        set => SetInt("ipCooldownSeconds", value);
    }

    public override IpamConfigObject DeepClone() => new((JsonObject)Json.DeepClone());

    private void SetBool(string name, bool? value)
    {
        if (value is null)
        {
            Spec?.Remove(name);
        }
        else
        {
            EnsureSpec()[name] = JsonValue.Create(value.Value);
        }
    }

    private void SetInt(string name, int? value)
    {
        if (value is null)
        {
            Spec?.Remove(name);
        }
        else
        {
            EnsureSpec()[name] = JsonValue.Create(value.Value);
        }
    }
}
