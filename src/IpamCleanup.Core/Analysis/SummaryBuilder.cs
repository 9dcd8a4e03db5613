using System.Collections.ObjectModel;
using System.Runtime.InteropServices;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

internal static class SummaryBuilder
{
    private const int TopNodeCount = 20;

    public static IpamSummary Build(
        ClusterSnapshot snapshot,
        IReadOnlyList<BlockFacts> blocks,
        IReadOnlyList<AllocationFacts> allocations,
        IReadOnlyList<Finding> findings,
        int inUseOutsideActivePools)
    {
        var counts = Enum.GetValues<FindingKind>().ToDictionary(k => k, _ => 0);
        var releasable = Enum.GetValues<FindingKind>().ToDictionary(k => k, _ => 0);
        foreach (var finding in findings)
        {
            counts[finding.Kind]++;
            if (finding.Releasable)
            {
                releasable[finding.Kind]++;
            }
        }

        var (pools, orphaned) = PoolUsages(snapshot, blocks);
        var nodes = NodeUsages(snapshot, blocks, allocations);
        var ranked = nodes.Where(n => n.Allocations > 0)
            .OrderByDescending(n => n.Allocations)
            .ThenBy(n => n.Name, StringComparer.Ordinal)
            .ToList();

        return new IpamSummary(
            snapshot.TakenAt,
            snapshot.ClusterInformation?.ClusterGuid,
            blocks.Count,
            allocations.Count,
            snapshot.Handles.Count,
            snapshot.Affinities.Count,
            snapshot.Pods.Count,
            snapshot.Nodes.Count,
            new ReadOnlyDictionary<FindingKind, int>(counts),
            new ReadOnlyDictionary<FindingKind, int>(releasable),
            pools,
            orphaned,
            nodes,
            ranked.Take(TopNodeCount).ToArray(),
            ranked.Count == 0 ? 0 : ranked[0].Allocations,
            ranked.Count == 0 ? 0 : ranked[ranked.Count / 2].Allocations,
            inUseOutsideActivePools);
    }

    private static (PoolUsage[] Pools, PoolUsage? Orphaned) PoolUsages(ClusterSnapshot snapshot, IReadOnlyList<BlockFacts> blocks)
    {
        var pools = snapshot.Pools;
        var blockCounts = new int[pools.Count];
        var allocated = new long[pools.Count];
        int orphanedBlocks = 0;
        long orphanedAllocated = 0;
        var orphanedSize = UInt128.Zero;
        foreach (var block in blocks)
        {
            var best = -1;
            for (var i = 0; i < pools.Count; i++)
            {
                if (pools[i].Cidr.Contains(block.Info.Cidr) && (best < 0 || pools[i].Cidr.Prefix > pools[best].Cidr.Prefix))
                {
                    best = i;
                }
            }

            var count = block.Info.AllocatedCount;
            if (best < 0)
            {
                orphanedBlocks++;
                orphanedAllocated += count;
                orphanedSize += block.Info.Cidr.Size;
            }
            else
            {
                blockCounts[best]++;
                allocated[best] += count;
            }
        }

        var usages = new PoolUsage[pools.Count];
        for (var i = 0; i < pools.Count; i++)
        {
            var size = pools[i].Cidr.Size;
            usages[i] = new PoolUsage(pools[i].Name, pools[i].Cidr.ToString(), pools[i].Disabled, blockCounts[i], size, allocated[i], Free(size, allocated[i]));
        }

        var orphaned = orphanedBlocks == 0
            ? null
            : new PoolUsage("orphaned", null, false, orphanedBlocks, orphanedSize, orphanedAllocated, Free(orphanedSize, orphanedAllocated));
        return (usages, orphaned);
    }

    private static UInt128 Free(UInt128 size, long allocated) => size > (UInt128)allocated ? size - (UInt128)allocated : UInt128.Zero;

    private static NodeUsage[] NodeUsages(ClusterSnapshot snapshot, IReadOnlyList<BlockFacts> blocks, IReadOnlyList<AllocationFacts> allocations)
    {
        // Distinct names, ordered once at the end (a sorted set would compare on every insert).
        var names = new HashSet<string>(StringComparer.Ordinal);
        var affine = new Dictionary<string, int>(StringComparer.Ordinal);
        var allocationCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var borrowed = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in snapshot.Nodes)
        {
            names.Add(node.Name);
        }

        foreach (var block in blocks)
        {
            if (block.AffinityHost is { } host)
            {
                names.Add(host);
                affine[host] = affine.GetValueOrDefault(host) + 1;
            }
        }

        // Consecutive allocations mostly name the same node (one string instance): count runs, and look a node up
        // once per run; its name goes into the sorted set only the first time it is seen.
        string? runNode = null;
        var run = 0;
        foreach (var allocation in allocations)
        {
            if (allocation.ReportNode is { Length: > 0 } node)
            {
                if (!ReferenceEquals(node, runNode))
                {
                    Flush();
                    runNode = node;
                }

                run++;
                if (allocation.Borrowed)
                {
                    borrowed[node] = borrowed.GetValueOrDefault(node) + 1;
                }
            }
        }

        Flush();

        void Flush()
        {
            if (runNode is not null)
            {
                ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(allocationCounts, runNode, out var seen);
                if (!seen)
                {
                    names.Add(runNode);
                }

                count += run;
            }

            runNode = null;
            run = 0;
        }

        var max = snapshot.Settings.EffectiveMaxBlocksPerHost;
        return names.Order(StringComparer.Ordinal).Select(name => new NodeUsage(
                name,
                snapshot.FindNode(name) is not null,
                affine.GetValueOrDefault(name),
                max,
                allocationCounts.GetValueOrDefault(name),
                borrowed.GetValueOrDefault(name)))
            .ToArray();
    }
}
