namespace IpamCleanup.Sandbox;

/// <summary>The resources served for one <see cref="ApiLayout"/>, with lookups by plural and by kind.</summary>
public sealed class ResourceCatalog
{
    public const string CalicoV1 = "crd.projectcalico.org";
    public const string CalicoV3 = "projectcalico.org";
    public const string Migration = "migration.projectcalico.org";

    private readonly Dictionary<(string ApiVersion, string Plural), ResourceType> _byPlural = [];
    private readonly Dictionary<(string ApiVersion, string Kind), ResourceType> _byKind = [];

    public ResourceCatalog(ApiLayout layout)
    {
        Layout = layout;
        var types = new List<ResourceType>(CoreTypes());
        if (layout is ApiLayout.V1 or ApiLayout.Both)
        {
            types.AddRange(CalicoTypes(CalicoV1, "v1", "ipamconfigs", "IPAMConfig", v3ShortNames: false));
        }

        if (layout is ApiLayout.V3 or ApiLayout.Both)
        {
            types.AddRange(CalicoTypes(CalicoV3, "v3", "ipamconfigurations", "IPAMConfiguration", v3ShortNames: true));
        }

        types.Add(new ResourceType(Migration, "v1", "datastoremigrations", "datastoremigration", "DatastoreMigration", false));
        Types = types;
        foreach (var type in types)
        {
            _byPlural[(type.ApiVersion, type.Plural)] = type;
            _byKind[(type.ApiVersion, type.Kind)] = type;
        }

        GroupVersions = types.Select(t => (t.Group, t.Version)).Distinct().ToList();
    }

    public ApiLayout Layout { get; }

    public IReadOnlyList<ResourceType> Types { get; }

    /// <summary>Served (group, version) pairs in discovery order; the core group is "".</summary>
    public IReadOnlyList<(string Group, string Version)> GroupVersions { get; }

    /// <summary>The group/version that holds IPAM data in this layout (v1 unless only v3 is served).</summary>
    public string CalicoApiVersion => Layout == ApiLayout.V3 ? CalicoV3 + "/v3" : CalicoV1 + "/v1";

    public ResourceType? FindByPlural(string apiVersion, string plural) =>
        _byPlural.TryGetValue((apiVersion, plural), out var type) ? type : null;

    public ResourceType? FindByKind(string apiVersion, string kind) =>
        _byKind.TryGetValue((apiVersion, kind), out var type) ? type : null;

    public ResourceType GetByPlural(string apiVersion, string plural) =>
        FindByPlural(apiVersion, plural) ?? throw new ArgumentException($"The sandbox does not serve {plural} in {apiVersion} (layout {Layout}).");

    public ResourceType GetByKind(string apiVersion, string kind) =>
        FindByKind(apiVersion, kind) ?? throw new ArgumentException($"The sandbox does not serve kind {kind} in {apiVersion} (layout {Layout}).");

    public IEnumerable<ResourceType> InGroupVersion(string group, string version) =>
        Types.Where(t => t.Group == group && t.Version == version);

    private static IEnumerable<ResourceType> CoreTypes()
    {
        yield return new ResourceType("", "v1", "pods", "pod", "Pod", true)
        { ShortNames = ["po"], HasStatusSubresource = true, AllowUnconditionalUpdate = true };
        yield return new ResourceType("", "v1", "nodes", "node", "Node", false)
        { ShortNames = ["no"], HasStatusSubresource = true, AllowUnconditionalUpdate = true };
        yield return new ResourceType("", "v1", "services", "service", "Service", true)
        { ShortNames = ["svc"], HasStatusSubresource = true, AllowUnconditionalUpdate = true };
        yield return new ResourceType("", "v1", "namespaces", "namespace", "Namespace", false)
        { ShortNames = ["ns"], HasStatusSubresource = true, AllowUnconditionalUpdate = true };

        // kubectl describe searches events for the described object; an empty, served list keeps it quiet.
        yield return new ResourceType("", "v1", "events", "event", "Event", true)
        { ShortNames = ["ev"], AllowUnconditionalUpdate = true };
    }

    private static IEnumerable<ResourceType> CalicoTypes(string group, string version, string ipamConfigPlural, string ipamConfigKind, bool v3ShortNames)
    {
        yield return new ResourceType(group, version, "ipamblocks", "ipamblock", "IPAMBlock", false);
        yield return new ResourceType(group, version, "ipamhandles", "ipamhandle", "IPAMHandle", false);
        yield return new ResourceType(group, version, "blockaffinities", "blockaffinity", "BlockAffinity", false)
        { ShortNames = v3ShortNames ? ["affinity", "affinities"] : [] };
        yield return new ResourceType(group, version, ipamConfigPlural, ipamConfigPlural.TrimEnd('s'), ipamConfigKind, false)
        { ShortNames = v3ShortNames ? ["ipamconfig", "ipamconfigs"] : [] };
        yield return new ResourceType(group, version, "clusterinformations", "clusterinformation", "ClusterInformation", false);
        yield return new ResourceType(group, version, "ippools", "ippool", "IPPool", false);
        yield return new ResourceType(group, version, "kubecontrollersconfigurations", "kubecontrollersconfiguration", "KubeControllersConfiguration", false);
    }
}
