namespace IpamCleanup.Kubernetes;

/// <summary>The Calico resources of one API layout: group, version, plural and kind per <see cref="CalicoKind"/> (calico-ipam.md §1.2).</summary>
public sealed class CalicoResources
{
    public const string ClassicGroup = "crd.projectcalico.org";
    public const string NativeGroup = "projectcalico.org";

    private readonly KubeResource[] _resources;

    private CalicoResources(CalicoApiLayout layout)
    {
        Layout = layout;
        var native = layout == CalicoApiLayout.NativeV3;
        Group = native ? NativeGroup : ClassicGroup;
        Version = native ? "v3" : "v1";
        _resources = new KubeResource[Enum.GetValues<CalicoKind>().Length];
        _resources[(int)CalicoKind.IpamBlock] = Make("ipamblocks", "IPAMBlock");
        _resources[(int)CalicoKind.IpamHandle] = Make("ipamhandles", "IPAMHandle");
        _resources[(int)CalicoKind.BlockAffinity] = Make("blockaffinities", "BlockAffinity");
        _resources[(int)CalicoKind.IpamConfig] = native ? Make("ipamconfigurations", "IPAMConfiguration") : Make("ipamconfigs", "IPAMConfig");
        _resources[(int)CalicoKind.ClusterInformation] = Make("clusterinformations", "ClusterInformation");
        _resources[(int)CalicoKind.IpPool] = Make("ippools", "IPPool");
        _resources[(int)CalicoKind.KubeControllersConfiguration] = Make("kubecontrollersconfigurations", "KubeControllersConfiguration");
    }

    public CalicoApiLayout Layout { get; }

    public string Group { get; }

    public string Version { get; }

    /// <summary>"crd.projectcalico.org/v1" or "projectcalico.org/v3".</summary>
    public string ApiVersion => Group + "/" + Version;

    /// <summary>
    /// Reads an API-group setting (-ApiGroup, CALICO_API_GROUP): "group" or "group/version", any case, surrounding
    /// blanks ignored. Returns the Calico group it names, or null when it names neither; <paramref name="version"/> is
    /// what follows the slash, lower-cased, or null when there is none.
    /// </summary>
    public static string? ParseGroupSetting(string value, out string? version)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim().ToLowerInvariant();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        version = slash < 0 ? null : text[(slash + 1)..];
        var group = slash < 0 ? text : text[..slash];
        return group is ClassicGroup or NativeGroup ? group : null;
    }

    /// <summary>The group/version the IPAM objects of <paramref name="group"/> use: crd.projectcalico.org/v1 or projectcalico.org/v3.</summary>
    public static string ApiVersionOf(string group) => group == NativeGroup ? NativeV3.ApiVersion : Classic.ApiVersion;

    public static CalicoResources For(CalicoApiLayout layout) => layout switch
    {
        CalicoApiLayout.Classic => Classic,
        CalicoApiLayout.ClassicWithApiServer => ClassicWithApiServer,
        CalicoApiLayout.NativeV3 => NativeV3,
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, null),
    };

    public KubeResource this[CalicoKind kind] => _resources[(int)kind];

    /// <summary>
    /// True when <c>spec.deleted</c> of <paramref name="kind"/> is the string "true"/"false" rather than a bool:
    /// only the crd.projectcalico.org/v1 BlockAffinity (calico-ipam.md §1.5).
    /// </summary>
    public bool DeletedFlagIsString(CalicoKind kind) => kind == CalicoKind.BlockAffinity && Layout != CalicoApiLayout.NativeV3;

    /// <summary>The fixed object name of the singleton kinds (ClusterInformation, IPAMConfig, KubeControllersConfiguration).</summary>
    public const string SingletonName = "default";

    private static CalicoResources Classic { get; } = new(CalicoApiLayout.Classic);

    private static CalicoResources ClassicWithApiServer { get; } = new(CalicoApiLayout.ClassicWithApiServer);

    private static CalicoResources NativeV3 { get; } = new(CalicoApiLayout.NativeV3);

    private KubeResource Make(string plural, string kind) => new(Group, Version, plural, kind, false);
}
