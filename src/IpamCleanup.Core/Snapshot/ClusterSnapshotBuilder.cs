using System.Text.Json;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Model;

namespace IpamCleanup.Core.Snapshot;

/// <summary>
/// Accumulates Kubernetes objects (LIST pages from the API, or the items of a kubectl <c>v1 List</c> file) into a
/// <see cref="ClusterSnapshot"/>, keeping only the fields the snapshot records hold. Soft-deleted IPAM rows are
/// skipped. Calico objects are kept per API group; <see cref="Build"/> takes each kind from the IPAM group (the
/// layout's, or the detected one) and falls back to the other group only for kinds the IPAM group lacks, as a
/// layout-B dump has blocks in crd.projectcalico.org but may list affinities and pools through projectcalico.org.
/// Not thread-safe.
/// </summary>
public sealed class ClusterSnapshotBuilder
{
    private readonly string? _layout;
    private readonly DateTimeOffset _takenAt;
    private readonly StringPool _strings = new();
    private readonly List<PodInfo> _pods = new();
    private readonly List<NodeInfo> _nodes = new();
    private readonly List<ServiceInfo> _services = new();
    private readonly List<DatastoreMigrationInfo> _migrations = new();
    private readonly CalicoGroupItems _crdV1 = new(CalicoApiVersion.CrdV1);
    private readonly CalicoGroupItems _v3 = new(CalicoApiVersion.V3);

    /// <param name="apiLayout"><see cref="CalicoApiVersion.CrdV1"/> or <see cref="CalicoApiVersion.V3"/> (a bare group is accepted).</param>
    /// <param name="takenAt">When the objects were read; ages are measured from it.</param>
    public ClusterSnapshotBuilder(string apiLayout, DateTimeOffset takenAt)
    {
        _layout = CalicoApiVersion.NormalizeLayout(apiLayout) ??
            throw new ArgumentException($"'{apiLayout}' is not a Calico API layout; use '{CalicoApiVersion.CrdV1}' or '{CalicoApiVersion.V3}'.", nameof(apiLayout));
        _takenAt = takenAt;
    }

    /// <summary>A builder that detects the layout from the group holding IPAM objects (blocks first), preferring crd.projectcalico.org/v1 as libcalico does.</summary>
    public ClusterSnapshotBuilder(DateTimeOffset takenAt)
    {
        _takenAt = takenAt;
    }

    /// <summary>Objects accepted so far (skipped and unrecognised ones are not counted).</summary>
    public int Count { get; private set; }

    public void AddPod(JsonElement pod) => Accept(SnapshotParsers.ParsePod(pod, _strings), _pods);

    public void AddNode(JsonElement node) => Accept(SnapshotParsers.ParseNode(node, _strings), _nodes);

    public void AddService(JsonElement service) => Accept(SnapshotParsers.ParseService(service, _strings), _services);

    public void AddMigration(JsonElement migration) => Accept(SnapshotParsers.ParseMigration(migration), _migrations);

    /// <summary>Adds an IPAMBlock of the group named by its apiVersion (the layout's group when it has none).</summary>
    public void AddBlock(JsonElement block)
    {
        if (!SnapshotParsers.IsSoftDeleted(block))
        {
            Accept(SnapshotParsers.ParseBlock(block, _strings), GroupOf(block).Blocks);
        }
    }

    public void AddHandle(JsonElement handle)
    {
        if (!SnapshotParsers.IsSoftDeleted(handle))
        {
            Accept(SnapshotParsers.ParseHandle(handle, _strings), GroupOf(handle).Handles);
        }
    }

    public void AddAffinity(JsonElement affinity)
    {
        if (!SnapshotParsers.IsSoftDeleted(affinity))
        {
            Accept(SnapshotParsers.ParseAffinity(affinity, _strings), GroupOf(affinity).Affinities);
        }
    }

    public void AddPool(JsonElement pool) => Accept(SnapshotParsers.ParsePool(pool), GroupOf(pool).Pools);

    public void SetClusterInformation(JsonElement clusterInformation)
    {
        GroupOf(clusterInformation).ClusterInformation = SnapshotParsers.ParseClusterInformation(clusterInformation);
        Count++;
    }

    /// <summary>IPAMConfig (v1) or IPAMConfiguration (v3) <c>default</c>.</summary>
    public void SetIpamConfig(JsonElement ipamConfig)
    {
        ipamConfig.TryGetObject("spec", out var spec);
        GroupOf(ipamConfig).IpamConfig = new IpamConfigValues(
            spec.GetBoolOrNull("strictAffinity") ?? false,
            spec.GetBoolOrNull("autoAllocateBlocks") ?? true,
            spec.GetInt32OrNull("maxBlocksPerHost") ?? 0,
            spec.GetInt32OrNull("ipCooldownSeconds") ?? 0);
        Count++;
    }

    public void SetKubeControllersConfig(JsonElement kubeControllersConfig)
    {
        kubeControllersConfig.TryGetObject("spec", out var spec);
        spec.TryGetObject("controllers", out var controllers);
        controllers.TryGetObject("node", out var node);
        string? assignIPs = null;
        if (controllers.TryGetObject("loadBalancer", out var loadBalancer))
        {
            // The CRD defaults assignIPs to AllServices whenever the loadBalancer section exists.
            assignIPs = loadBalancer.GetStringOrNull("assignIPs") is { Length: > 0 } mode ? mode : "AllServices";
        }

        GroupOf(kubeControllersConfig).KubeControllersConfig = new KubeControllersValues(
            GoDuration.Parse(node.GetStringOrNull("leakGracePeriod")),
            assignIPs);
        Count++;
    }

    /// <summary>
    /// Adds any object by apiVersion group and kind (the items of a kubectl List). Namespaces and unknown kinds are
    /// ignored. Returns whether the object was recognised.
    /// </summary>
    public bool Add(JsonElement anyObject)
    {
        if (anyObject.ValueKind != JsonValueKind.Object || !anyObject.TryGetProperty("kind", out var kind) ||
            kind.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var apiVersion = anyObject.GetStringOrNull("apiVersion");
        if (apiVersion == "v1")
        {
            if (kind.ValueEquals("Pod"))
            {
                AddPod(anyObject);
            }
            else if (kind.ValueEquals("Node"))
            {
                AddNode(anyObject);
            }
            else if (kind.ValueEquals("Service"))
            {
                AddService(anyObject);
            }
            else
            {
                return false;
            }

            return true;
        }

        var group = CalicoApiVersion.GroupOf(apiVersion);
        if (group == CalicoApiVersion.MigrationGroup)
        {
            if (!kind.ValueEquals("DatastoreMigration"))
            {
                return false;
            }

            AddMigration(anyObject);
            return true;
        }

        if (group is not (CalicoApiVersion.CrdGroup or CalicoApiVersion.V3Group))
        {
            return false;
        }

        if (kind.ValueEquals("IPAMBlock"))
        {
            AddBlock(anyObject);
        }
        else if (kind.ValueEquals("IPAMHandle"))
        {
            AddHandle(anyObject);
        }
        else if (kind.ValueEquals("BlockAffinity"))
        {
            AddAffinity(anyObject);
        }
        else if (kind.ValueEquals("IPPool"))
        {
            AddPool(anyObject);
        }
        else if (IsDefaultSingleton(anyObject, kind, "ClusterInformation"))
        {
            SetClusterInformation(anyObject);
        }
        else if (IsDefaultSingleton(anyObject, kind, "IPAMConfig") || IsDefaultSingleton(anyObject, kind, "IPAMConfiguration"))
        {
            SetIpamConfig(anyObject);
        }
        else if (IsDefaultSingleton(anyObject, kind, "KubeControllersConfiguration"))
        {
            SetKubeControllersConfig(anyObject);
        }
        else
        {
            return false;
        }

        return true;
    }

    public ClusterSnapshot Build()
    {
        var (primary, secondary) = ChooseIpamGroup();
        var ipamConfig = primary.IpamConfig ?? secondary.IpamConfig;
        var kubeControllers = primary.KubeControllersConfig ?? secondary.KubeControllersConfig;
        var settings = new IpamSettings(
            ipamConfig?.StrictAffinity ?? IpamSettings.Defaults.StrictAffinity,
            ipamConfig?.AutoAllocateBlocks ?? IpamSettings.Defaults.AutoAllocateBlocks,
            ipamConfig?.MaxBlocksPerHost ?? IpamSettings.Defaults.MaxBlocksPerHost,
            ipamConfig?.IpCooldownSeconds ?? IpamSettings.Defaults.IpCooldownSeconds,
            ipamConfig is not null,
            kubeControllers is not null,
            kubeControllers?.LeakGracePeriod,
            kubeControllers?.LoadBalancerAssignIPs);

        return new ClusterSnapshot(
            _takenAt,
            primary.ApiVersion,
            primary.ClusterInformation ?? secondary.ClusterInformation,
            settings,
            _pods.ToArray(),
            _nodes.ToArray(),
            _services.ToArray(),
            Pick(primary.Blocks, secondary.Blocks),
            Pick(primary.Handles, secondary.Handles),
            Pick(primary.Affinities, secondary.Affinities),
            Pick(primary.Pools, secondary.Pools),
            _migrations.ToArray());
    }

    private static T[] Pick<T>(List<T> primary, List<T> secondary) => (primary.Count > 0 ? primary : secondary).ToArray();

    private static bool IsDefaultSingleton(JsonElement item, JsonElement kind, string expectedKind) =>
        kind.ValueEquals(expectedKind) && item.TryGetObject("metadata", out var metadata) && metadata.PropertyEquals("name", "default");

    private (CalicoGroupItems Primary, CalicoGroupItems Secondary) ChooseIpamGroup()
    {
        if (_layout is not null)
        {
            var named = _layout == CalicoApiVersion.V3 ? _v3 : _crdV1;
            var other = ReferenceEquals(named, _v3) ? _crdV1 : _v3;
            return !named.HasIpamObjects && other.HasIpamObjects ? (other, named) : (named, other);
        }

        // Auto-detection: blocks and handles exist in one group only; affinities may be served by both (layout B).
        if (_crdV1.Blocks.Count > 0 || (_v3.Blocks.Count == 0 && _crdV1.Handles.Count > 0))
        {
            return (_crdV1, _v3);
        }

        if (_v3.Blocks.Count > 0 || _v3.Handles.Count > 0)
        {
            return (_v3, _crdV1);
        }

        return !_crdV1.HasIpamObjects && _v3.HasIpamObjects ? (_v3, _crdV1) : (_crdV1, _v3);
    }

    private CalicoGroupItems GroupOf(JsonElement item)
    {
        var group = CalicoApiVersion.GroupOf(item.GetStringOrNull("apiVersion"));
        if (group == CalicoApiVersion.V3Group)
        {
            return _v3;
        }

        if (group == CalicoApiVersion.CrdGroup)
        {
            return _crdV1;
        }

        // LIST responses from the API server may omit apiVersion on items: they belong to the layout read.
        return _layout == CalicoApiVersion.V3 ? _v3 : _crdV1;
    }

    private void Accept<T>(T? record, List<T> list)
        where T : class
    {
        if (record is not null)
        {
            list.Add(record);
            Count++;
        }
    }

    private sealed record IpamConfigValues(bool StrictAffinity, bool AutoAllocateBlocks, int MaxBlocksPerHost, int IpCooldownSeconds);

    private sealed record KubeControllersValues(TimeSpan? LeakGracePeriod, string? LoadBalancerAssignIPs);

    private sealed class CalicoGroupItems
    {
        public CalicoGroupItems(string apiVersion) => ApiVersion = apiVersion;

        public string ApiVersion { get; }

        public List<BlockInfo> Blocks { get; } = new();

        public List<HandleInfo> Handles { get; } = new();

        public List<AffinityInfo> Affinities { get; } = new();

        public List<PoolInfo> Pools { get; } = new();

        public ClusterInfoSummary? ClusterInformation { get; set; }

        public IpamConfigValues? IpamConfig { get; set; }

        public KubeControllersValues? KubeControllersConfig { get; set; }

        public bool HasIpamObjects => Blocks.Count > 0 || Handles.Count > 0 || Affinities.Count > 0 || IpamConfig is not null;
    }
}
