using System.Net;
using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Snapshot;

/// <summary>
/// An immutable picture of one cluster's IPAM state and its owners, indexed once. Soft-deleted rows
/// (<c>spec.deleted</c>) are never in it. Built from the live API or from a kubectl <c>v1 List</c> file.
/// </summary>
public sealed class ClusterSnapshot
{
    private readonly Dictionary<string, PodInfo> _podsByKey;
    private readonly Dictionary<string, NodeInfo> _nodesByName;
    private readonly Dictionary<string, HandleInfo> _handlesById;
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

        _podsByKey = new Dictionary<string, PodInfo>(pods.Count, StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            _podsByKey[pod.Key] = pod;
        }

        _nodesByName = new Dictionary<string, NodeInfo>(nodes.Count, StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            _nodesByName[node.Name] = node;
        }

        _handlesById = new Dictionary<string, HandleInfo>(handles.Count, StringComparer.Ordinal);
        foreach (var handle in handles)
        {
            _handlesById[handle.HandleId] = handle;
        }

        _blocksByCidr = new Dictionary<string, BlockInfo>(blocks.Count, StringComparer.Ordinal);
        _blocksByHost = new Dictionary<string, List<BlockInfo>>(StringComparer.Ordinal);
        foreach (var block in blocks)
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

    public PodInfo? FindPod(string @namespace, string name) =>
        _podsByKey.TryGetValue(@namespace + "/" + name, out var pod) ? pod : null;

    public NodeInfo? FindNode(string name) => _nodesByName.TryGetValue(name, out var node) ? node : null;

    /// <summary>Looks a handle up by its exact <c>spec.handleID</c>.</summary>
    public HandleInfo? FindHandle(string handleId) => _handlesById.TryGetValue(handleId, out var handle) ? handle : null;

    public BlockInfo? FindBlock(string cidr) => _blocksByCidr.TryGetValue(cidr, out var block) ? block : null;

    /// <summary>Blocks whose <c>affinity</c> is <c>host:&lt;node&gt;</c>.</summary>
    public IReadOnlyList<BlockInfo> BlocksOfHost(string node) =>
        _blocksByHost.TryGetValue(node, out var list) ? list : Array.Empty<BlockInfo>();

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
