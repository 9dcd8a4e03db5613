using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// F7: deletes a stale affinity (its block carries another affinity) or an orphan one (its block is gone). The
/// affinity, its block and (for host affinities) its node are read again and re-analysed: a claim in flight (pending
/// and young, with the node alive) or an affinity its block points at again is left alone.
/// </summary>
internal static class OrphanAffinityRelease
{
    public static async Task<ReleaseResult> RunAsync(ReleaseRun run, ItemContext context, CancellationToken cancellationToken)
    {
        var item = context.Item;
        var finding = item.Findings[0];
        var target = item.Target;
        if (item.Cidr is { } blockCidr)
        {
            await run.AddressBatchDoneAsync(blockCidr, cancellationToken).ConfigureAwait(false);
        }

        using var blockLock = item.Cidr is { } lockKey ? await run.BlockLocks.AcquireAsync(lockKey, cancellationToken).ConfigureAwait(false) : default;
        for (var attempt = 0; attempt < run.MaxAttempts; attempt++)
        {
            var affinity = await run.GetAffinityAsync(item.ObjectName, cancellationToken).ConfigureAwait(false);
            if (affinity is null)
            {
                return Skipped(ReleaseSkipReason.AlreadyReleased, $"{target} no longer exists.");
            }

            if (!string.IsNullOrEmpty(finding.AffinityUid) && affinity.Uid != finding.AffinityUid)
            {
                return Skipped(ReleaseSkipReason.ChangedSinceScan, $"{target} was deleted and created again since the scan.");
            }

            IpamBlockObject? block = null;
            if (IpNet.TryParse(affinity.Cidr, out var cidr))
            {
                block = await run.GetBlockAsync(CalicoNames.BlockName(cidr), cancellationToken).ConfigureAwait(false);
            }

            var nodes = new List<Core.Snapshot.NodeInfo>(1);
            if (affinity.EffectiveType == "host" && !string.IsNullOrEmpty(affinity.Node) &&
                await run.GetNodeAsync(affinity.Node, cancellationToken).ConfigureAwait(false) is { } node)
            {
                nodes.Add(node);
            }

            var analysis = LiveCheck.Analyze(run, block is null ? Array.Empty<IpamBlockObject>() : new[] { block }, Array.Empty<IpamHandleObject>(),
                new[] { affinity }, Array.Empty<Core.Snapshot.PodInfo>(), nodes);
            var fresh = analysis.Findings.FirstOrDefault(f => f.Kind == FindingKind.OrphanAffinity && f.AffinityName == affinity.Name);
            if (fresh is null)
            {
                return block is not null && block.Affinity == affinity.EffectiveType + ":" + affinity.Node
                    ? Skipped(ReleaseSkipReason.NowInUse, $"{target} is the affinity of IPAMBlock {block.Name} again.")
                    : Skipped(ReleaseSkipReason.TooYoung, $"{target} is {affinity.State} and young while node {affinity.Node} exists: a claim or release is in flight.");
            }

            if (!fresh.Releasable)
            {
                return Skipped(ReleaseSkipReason.NowInUse, fresh.Reason);
            }

            var deleted = await run.SoftDeleteAsync(context, CalicoKind.BlockAffinity, affinity, "DeleteOrphanAffinity", fresh.Detail == "Stale"
                ? $"block {affinity.Cidr} is affine to {block?.Affinity ?? "nobody"}"
                : $"block {affinity.Cidr} does not exist", cancellationToken).ConfigureAwait(false);
            switch (deleted.Outcome)
            {
                case DeleteOutcome.Deleted:
                    return ReleaseResult.Released(finding, item, $"Deleted {(fresh.Detail == "Stale" ? "stale" : "orphan")} {target}.");
                case DeleteOutcome.NotFound:
                    return Skipped(ReleaseSkipReason.AlreadyReleased, $"{target} was deleted by someone else meanwhile.");
            }
        }

        return Skipped(ReleaseSkipReason.Conflict, $"{target} was not deleted: it changed under every one of {run.MaxAttempts} attempts.");

        ReleaseResult Skipped(ReleaseSkipReason reason, string message) => ReleaseResult.Skipped(finding, item, reason, message);
    }
}
