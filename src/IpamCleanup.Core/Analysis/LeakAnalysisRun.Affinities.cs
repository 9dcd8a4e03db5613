using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>BlockAffinities whose block is missing or belongs to someone else (calico-ipam.md §4f F7).</summary>
internal sealed partial class LeakAnalysisRun
{
    private static readonly TimeSpan ClaimInFlightAge = TimeSpan.FromMinutes(5);

    private void EmitOrphanAffinities()
    {
        foreach (var affinity in _snapshot.Affinities)
        {
            var type = AffinityType(affinity);

            // The common case first, without parsing or building text: the CIDR is already canonical (so it is the
            // key of its block) and the block is affine to exactly this owner.
            if (_blocksByCidr.TryGetValue(affinity.Cidr, out var own) && IsAffinityOf(own.Info.Affinity, type, affinity.Node))
            {
                continue;
            }

            var owner = type + ":" + affinity.Node;
            if (!IpNet.TryParse(affinity.Cidr, out var cidr))
            {
                AddOrphanAffinity(affinity, null, false, "Affinity " + affinity.Name + " has CIDR '" + affinity.Cidr + "', which does not parse.", ReportOnly);
                continue;
            }

            _blocksByCidr.TryGetValue(cidr.ToString(), out var block);
            if (block is not null && string.Equals(block.Info.Affinity, owner, StringComparison.Ordinal))
            {
                continue;
            }

            // Virtual owners (load-balancer) are not nodes; they always "exist".
            var ownerExists = !string.Equals(type, "host", StringComparison.Ordinal) || _snapshot.FindNode(affinity.Node) is not null;
            var young = affinity.CreationTimestamp is not { } created || _options.Now - created < ClaimInFlightAge;
            if (ownerExists && young && affinity.State is "pending" or "pendingDeletion")
            {
                // A claim (pending) or release (pendingDeletion) in flight: libcalico finishes or undoes it itself.
                continue;
            }

            var action = "Delete affinity " + affinity.Name + " (resourceVersion " + affinity.ResourceVersion + ", uid " + affinity.Uid + ")";
            if (block is not null)
            {
                var stale = "Affinity " + affinity.Name + " (" + owner + ", state " + StateText(affinity) + ") points at block " + block.Cidr +
                    ", which is affine to " + (block.Info.Affinity ?? "nobody") + ": the affinity is stale, and libcalico deletes such affinities itself";
                AddOrphanAffinity(affinity, block, !block.IsCorrupt,
                    block.IsCorrupt ? stale + "; not deleted because " + block.CorruptReason + "." : stale + ".",
                    block.IsCorrupt ? ReportOnly : action);
                continue;
            }

            var missing = "Affinity " + affinity.Name + " (" + owner + ", state " + StateText(affinity) + ") points at block " + cidr + ", which does not exist";
            AddOrphanAffinity(affinity, null, true,
                !ownerExists ? missing + ", and node " + affinity.Node + " no longer exists."
                : string.Equals(type, "host", StringComparison.Ordinal)
                    ? missing + "; node " + affinity.Node + " exists and would re-create the block from it on its next allocation, so deleting it is harmless but gains little."
                    : missing + "; its virtual owner would re-create the block from it, so deleting it is harmless but gains little.",
                action);
        }
    }

    /// <summary>Whether a block's <c>affinity</c> is exactly <c>type:node</c>.</summary>
    private static bool IsAffinityOf(string? blockAffinity, string type, string node) =>
        blockAffinity is { } value && value.Length == type.Length + 1 + node.Length && value[type.Length] == ':' &&
        value.StartsWith(type, StringComparison.Ordinal) && value.EndsWith(node, StringComparison.Ordinal);

    private static string StateText(AffinityInfo affinity) => string.IsNullOrEmpty(affinity.State) ? "confirmed (empty)" : affinity.State;

    private void AddOrphanAffinity(AffinityInfo affinity, BlockFacts? block, bool releasable, string reason, string action)
    {
        var finding = new Finding
        {
            Kind = FindingKind.OrphanAffinity,
            Releasable = releasable,
            Block = IpNet.TryParse(affinity.Cidr, out var cidr) ? cidr.ToString() : affinity.Cidr,
            Node = affinity.Node,
            Age = affinity.CreationTimestamp is { } created ? NonNegative(_options.Now - created) : null,
            Reason = reason,
            Action = action,
            Detail = block is null ? "BlockMissing" : "Stale",
            ClusterGuid = _clusterGuid,
            ObservedAt = _snapshot.TakenAt,
        };
        if (block is not null)
        {
            finding = WithBlock(finding, block);
        }

        IpKey? sortBase = cidr.IsValid ? IpKey.From(cidr.Network) : null;
        _findings.Add(new SortableFinding(WithAffinity(finding, affinity), sortBase, cidr.IsValid ? cidr.Prefix : 0, 0, null, affinity.Name));
    }
}
