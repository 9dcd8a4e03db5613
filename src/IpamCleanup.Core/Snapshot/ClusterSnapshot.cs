using System.Net;
using System.Runtime.InteropServices;
using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Snapshot;

/// <summary>
/// An immutable picture of one cluster's IPAM state and its owners, indexed once. Soft-deleted rows
/// (<c>spec.deleted</c>) are never in it. Built from the live API or from a kubectl <c>v1 List</c> file.
/// </summary>
public sealed class ClusterSnapshot
{
    /// <summary>From this many pods and handles on, the indexes are built side by side.</summary>
    private const int ParallelIndexThreshold = 16_384;

    /// <summary>(namespace, name) → index in <see cref="Pods"/> of the last pod with that key.</summary>
    private readonly Dictionary<(string Namespace, string Name), int> _podIndex;
    private readonly Dictionary<string, NodeInfo> _nodesByName;

    /// <summary><c>spec.handleID</c> → index in <see cref="Handles"/> of the last handle with that ID.</summary>
    private readonly Dictionary<string, int> _handleIndex;
    private readonly Dictionary<string, BlockInfo> _blocksByCidr;
    private readonly Dictionary<string, List<BlockInfo>> _blocksByHost;

    public ClusterSnapshot(
        DateTimeOffset takenAt,
        string apiLayout,
        ClusterInfoSummary? clusterInformation,
        IpamSettings settings,
        IReadOnlyList<PodInfo> pods,
        IReadOnlyList<NodeInfo> nodes,
        IReadOnlyList<ServiceInfo> services,
        IReadOnlyList<BlockInfo> blocks,
        IReadOnlyList<HandleInfo> handles,
        IReadOnlyList<AffinityInfo> affinities,
        IReadOnlyList<PoolInfo> pools,
        IReadOnlyList<DatastoreMigrationInfo> migrations)
    {
        TakenAt = takenAt;
        ApiLayout = apiLayout;
        ClusterInformation = clusterInformation;
        Settings = settings;
        Pods = pods;
        Nodes = nodes;
        Services = services;
        Blocks = blocks;
        Handles = handles;
        Affinities = affinities;
        Pools = pools;
        Migrations = migrations;

        _podIndex = new Dictionary<(string Namespace, string Name), int>(pods.Count);
        _nodesByName = new Dictionary<string, NodeInfo>(nodes.Count, StringComparer.Ordinal);
        _handleIndex = new Dictionary<string, int>(handles.Count, StringComparer.Ordinal);
        _blocksByCidr = new Dictionary<string, BlockInfo>(blocks.Count, StringComparer.Ordinal);
        _blocksByHost = new Dictionary<string, List<BlockInfo>>(StringComparer.Ordinal);

        // Three independent indexes: at scale they are built at the same time (the largest two take about as long).
        Action[] builders = [IndexPods, IndexHandles, IndexNodesAndBlocks];
        if (pods.Count + handles.Count < ParallelIndexThreshold || Environment.ProcessorCount < 2)
        {
            foreach (var build in builders)
            {
                build();
            }
        }
        else
        {
            try
            {
                Parallel.Invoke(builders);
            }
            catch (AggregateException e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }
    }

    public DateTimeOffset TakenAt { get; }

    /// <summary>"crd.projectcalico.org/v1" or "projectcalico.org/v3" (the group/version the IPAM objects were read from).</summary>
    public string ApiLayout { get; }

    public ClusterInfoSummary? ClusterInformation { get; }

    public IpamSettings Settings { get; }

    public IReadOnlyList<PodInfo> Pods { get; }

    public IReadOnlyList<NodeInfo> Nodes { get; }

    public IReadOnlyList<ServiceInfo> Services { get; }

    public IReadOnlyList<BlockInfo> Blocks { get; }

    public IReadOnlyList<HandleInfo> Handles { get; }

    public IReadOnlyList<AffinityInfo> Affinities { get; }

    public IReadOnlyList<PoolInfo> Pools { get; }

    public IReadOnlyList<DatastoreMigrationInfo> Migrations { get; }

    /// <summary>No two pods share a namespace and name (always so for a live read, which drops repeats).</summary>
    internal bool PodKeysUnique { get; private set; } = true;

    /// <summary>
    /// No two handles share a <c>spec.handleID</c> and no ID carries a '\r' (always so in practice): the index by exact ID
    /// then also answers lookups by sanitised ID.
    /// </summary>
    internal bool HandleIdsPlain { get; private set; } = true;

    public PodInfo? FindPod(string @namespace, string name) =>
        _podIndex.TryGetValue((@namespace, name), out var index) ? Pods[index] : null;

    /// <summary>The index in <see cref="Pods"/> of the (last) pod with this namespace and name.</summary>
    internal bool TryGetPodIndex(string @namespace, string name, out int index) => _podIndex.TryGetValue((@namespace, name), out index);

    /// <summary>The index in <see cref="Handles"/> of the (last) handle with exactly this <c>spec.handleID</c>.</summary>
    internal bool TryGetHandleIndex(string handleId, out int index) => _handleIndex.TryGetValue(handleId, out index);

    public NodeInfo? FindNode(string name) => _nodesByName.TryGetValue(name, out var node) ? node : null;

    /// <summary>Looks a handle up by its exact <c>spec.handleID</c>.</summary>
    public HandleInfo? FindHandle(string handleId) => _handleIndex.TryGetValue(handleId, out var index) ? Handles[index] : null;

    public BlockInfo? FindBlock(string cidr) => _blocksByCidr.TryGetValue(cidr, out var block) ? block : null;

    /// <summary>Blocks whose <c>affinity</c> is <c>host:&lt;node&gt;</c>.</summary>
    public IReadOnlyList<BlockInfo> BlocksOfHost(string node) =>
        _blocksByHost.TryGetValue(node, out var list) ? list : Array.Empty<BlockInfo>();

    private void IndexPods()
    {
        var pods = Pods;
        for (var i = 0; i < pods.Count; i++)
        {
            ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_podIndex, (pods[i].Namespace, pods[i].Name), out var exists);
            index = i;
            PodKeysUnique &= !exists;
        }
    }

    private void IndexHandles()
    {
        var handles = Handles;
        for (var i = 0; i < handles.Count; i++)
        {
            var id = handles[i].HandleId;
            ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_handleIndex, id, out var exists);
            index = i;
            HandleIdsPlain &= !exists && !id.Contains('\r', StringComparison.Ordinal);
        }
    }

    private void IndexNodesAndBlocks()
    {
        foreach (var node in Nodes)
        {
            _nodesByName[node.Name] = node;
        }

        foreach (var block in Blocks)
        {
            _blocksByCidr[block.Cidr.ToString()] = block;
            if (block.AffinityHost is { } host)
            {
                if (!_blocksByHost.TryGetValue(host, out var list))
                {
                    _blocksByHost[host] = list = new List<BlockInfo>();
                }

                list.Add(block);
            }
        }
    }

    /// <summary>The blocks that contain the address (normally one; overlapping blocks are possible in corrupt data).</summary>
    public IEnumerable<BlockInfo> BlocksContaining(IPAddress address)
    {
        foreach (var pool in Pools)
        {
            if (pool.Cidr.Contains(address))
            {
                var candidate = IpNet.Containing(address, pool.BlockSize).ToString();
                if (_blocksByCidr.TryGetValue(candidate, out var block))
                {
                    yield return block;
                    yield break;
                }
            }
        }

        foreach (var block in Blocks)
        {
            if (block.Cidr.Contains(address))
            {
                yield return block;
            }
        }
    }
}
