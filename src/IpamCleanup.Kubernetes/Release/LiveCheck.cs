using System.Net;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// The write-time re-check: the leak analysis itself, run on a small snapshot of objects read just now (the block,
/// handle or affinity about to change and the pods and nodes its allocations name, each with a live GET). A write
/// goes ahead only when that analysis still reports the finding as releasable, so the rules at write time are the
/// scan's rules, never a second, weaker copy of them.
/// </summary>
internal static class LiveCheck
{
    private static readonly string[] TunnelHandlePrefixes =
    {
        "ipip-tunnel-addr-", "vxlan-tunnel-addr-", "vxlan-v6-tunnel-addr-", "wireguard-tunnel-addr-", "wireguard-v6-tunnel-addr-",
    };

    /// <summary>Reads the pods and nodes the allocations at <paramref name="ordinals"/> name (null: every allocation).</summary>
    public static async Task<(List<PodInfo> Pods, List<NodeInfo> Nodes)> ReadOwnersAsync(
        ReleaseRun run, IpamBlockObject block, Func<int, bool>? ordinals, CancellationToken cancellationToken)
    {
        var podKeys = new SortedSet<(string Namespace, string Name)>();
        var nodeNames = new SortedSet<string>(StringComparer.Ordinal);
        var allocations = block.Allocations;
        var attributes = block.Attributes;
        for (var ordinal = 0; ordinal < allocations.Count; ordinal++)
        {
            if (allocations[ordinal] is not { } index || index < 0 || index >= attributes.Count || (ordinals is not null && !ordinals(ordinal)))
            {
                continue;
            }

            var attribute = attributes[index];
            if (attribute.Get("namespace") is { Length: > 0 } ns && attribute.Get("pod") is { Length: > 0 } pod)
            {
                podKeys.Add((ns, pod));
            }

            if (attribute.Get("node") is { Length: > 0 } node)
            {
                nodeNames.Add(node);
            }

            if (TunnelNode(attribute.SanitizedHandleId) is { } tunnelNode)
            {
                nodeNames.Add(tunnelNode);
            }
        }

        var pods = new List<PodInfo>(podKeys.Count);
        foreach (var (ns, name) in podKeys)
        {
            if (await run.GetPodAsync(ns, name, cancellationToken).ConfigureAwait(false) is { } pod)
            {
                pods.Add(pod);
            }
        }

        var nodes = new List<NodeInfo>(nodeNames.Count);
        foreach (var name in nodeNames)
        {
            if (await run.GetNodeAsync(name, cancellationToken).ConfigureAwait(false) is { } node)
            {
                nodes.Add(node);
            }
        }

        return (pods, nodes);
    }

    public static AnalysisResult Analyze(
        ReleaseRun run,
        IEnumerable<IpamBlockObject> blocks,
        IEnumerable<IpamHandleObject> handles,
        IEnumerable<BlockAffinityObject> affinities,
        IReadOnlyList<PodInfo> pods,
        IReadOnlyList<NodeInfo> nodes)
    {
        var now = run.Now;
        var snapshot = new ClusterSnapshot(
            now,
            run.Client.Resources.ApiVersion,
            null,
            IpamSettings.Defaults,
            pods,
            nodes,
            Array.Empty<ServiceInfo>(),
            blocks.Select(b => b.ToBlockInfo()).ToList(),
            handles.Select(h => h.ToHandleInfo()).ToList(),
            affinities.Select(a => a.ToAffinityInfo()).ToList(),
            Array.Empty<PoolInfo>(),
            Array.Empty<DatastoreMigrationInfo>());
        return LeakAnalyzer.Analyze(snapshot, new AnalysisOptions
        {
            Now = now,
            MinimumAge = run.Options.MinimumAge,
            KeepBlocksPerNode = run.Options.KeepBlocksPerNode,
            DefaultNetworkName = run.Options.DefaultNetworkName,
        });
    }

    /// <summary>The per-address finding of <paramref name="address"/> (not the MissingHandle side note), if the analysis emitted one.</summary>
    public static Finding? AddressFinding(AnalysisResult result, IPAddress address)
    {
        foreach (var finding in result.Findings)
        {
            if (finding.Kind is not FindingKind.MissingHandle && finding.IP is { } ip && IpNet.TryParseAddress(ip, out var parsed) && parsed.Equals(address))
            {
                return finding;
            }
        }

        return null;
    }

    /// <summary>Who uses <paramref name="address"/> according to the analysis ("Workload(ns/pod)", "Node(x)"), for messages.</summary>
    public static string OwnersOf(AnalysisResult result, IPAddress address)
    {
        foreach (var state in result.Allocations)
        {
            if (IpNet.TryParseAddress(state.IP, out var parsed) && parsed.Equals(address))
            {
                return state.Owners.Count > 0 ? string.Join(", ", state.Owners)
                    : state.Pod is not null ? "pod " + state.Namespace + "/" + state.Pod
                    : state.Node is not null ? "node " + state.Node
                    : "its owner";
            }
        }

        return "its owner";
    }

    private static string? TunnelNode(string? handle)
    {
        if (handle is null)
        {
            return null;
        }

        foreach (var prefix in TunnelHandlePrefixes)
        {
            if (handle.StartsWith(prefix, StringComparison.Ordinal) && handle.Length > prefix.Length)
            {
                return handle[prefix.Length..];
            }
        }

        return null;
    }

    /// <summary>The node names of block affinities: <c>host:&lt;node&gt;</c> → node.</summary>
    public static string? HostOf(string? affinity) =>
        affinity is not null && affinity.StartsWith("host:", StringComparison.Ordinal) ? affinity[5..] : null;
}
