namespace IpamCleanup.Core.Model;

/// <summary>The two API group/versions Calico IPAM objects live in (calico-ipam.md §1.1).</summary>
public static class CalicoApiVersion
{
    /// <summary>Layouts A and B: CRDs with libcalico's internal (v1) shapes.</summary>
    public const string CrdV1 = "crd.projectcalico.org/v1";

    /// <summary>Layout C: native v3 CRDs (v3.32+).</summary>
    public const string V3 = "projectcalico.org/v3";

    public const string CrdGroup = "crd.projectcalico.org";

    public const string V3Group = "projectcalico.org";

    public const string MigrationGroup = "migration.projectcalico.org";

    /// <summary>The group part of an apiVersion ("" for the core group's "v1").</summary>
    public static string GroupOf(string? apiVersion)
    {
        if (string.IsNullOrEmpty(apiVersion))
        {
            return string.Empty;
        }

        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? string.Empty : apiVersion[..slash];
    }

    /// <summary>
    /// Normalises a layout given as group/version or as a bare group to <see cref="CrdV1"/> or <see cref="V3"/>;
    /// null when it names neither.
    /// </summary>
    public static string? NormalizeLayout(string? layout) => layout switch
    {
        CrdV1 or CrdGroup => CrdV1,
        V3 or V3Group => V3,
        _ => null,
    };
}
