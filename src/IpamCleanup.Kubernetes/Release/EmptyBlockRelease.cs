using System.Globalization;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// F5: releases a surplus empty block of a live node. Under the node's lock (so two items never both count on the
/// same kept block) it re-reads the block, its affinity, the node and every other block the node's affinities name,
/// and re-runs the analysis on them: the block must still be empty, unchanged since the scan (same UID and sequence
/// number), claimed over a minute ago and not among the blocks the node keeps. Then the affinity goes
/// pendingDeletion, the block is deleted with the resourceVersion read, and the affinity is deleted.
/// </summary>
internal static class EmptyBlockRelease
{
    public static async Task<ReleaseResult> RunAsync(ReleaseRun run, ItemContext context, CancellationToken cancellationToken)
    {
        var item = context.Item;
        var finding = item.Findings[0];
        var node = item.Node!;
        var cidr = item.Cidr!;
        var target = item.Target;
        var affinityName = ReleasePlanner.AffinityNameOf(finding)!;
        await run.AddressBatchDoneAsync(cidr, cancellationToken).ConfigureAwait(false);
        using var nodeLock = await run.NodeLocks.AcquireAsync(node, cancellationToken).ConfigureAwait(false);
        using var blockLock = await run.BlockLocks.AcquireAsync(cidr, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < run.MaxAttempts; attempt++)
        {
            var block = await run.GetBlockAsync(item.ObjectName, cancellationToken).ConfigureAwait(false);
            if (block is null)
            {
                return Skipped(ReleaseSkipReason.AlreadyReleased, $"{target} no longer exists.");
            }

            if (!string.IsNullOrEmpty(finding.BlockUid) && block.Uid != finding.BlockUid)
            {
                return Skipped(ReleaseSkipReason.ChangedSinceScan, $"{target} was deleted and created again since the scan.");
            }

            var affinity = await run.GetAffinityAsync(affinityName, cancellationToken).ConfigureAwait(false);
            if (affinity is not null && !Matches(affinity, node, cidr))
            {
                return Skipped(ReleaseSkipReason.ChangedSinceScan, $"BlockAffinity {affinityName} now names node {affinity.Node} and {affinity.Cidr}.");
            }

            if (LiveCheck.HostOf(block.Affinity) != node)
            {
                return await StaleAsync(run, context, block, affinity, cancellationToken).ConfigureAwait(false);
            }

            if (finding.BlockSequenceNumber is { } scanned && block.SequenceNumber != scanned)
            {
                return Skipped(ReleaseSkipReason.ChangedSinceScan, string.Create(CultureInfo.InvariantCulture,
                    $"{target} was written since the scan (sequence number {scanned}, now {block.SequenceNumber}); it must be seen empty twice with nothing in between. Scan again."));
            }

            var liveNode = await run.GetNodeAsync(node, cancellationToken).ConfigureAwait(false);
            var blocks = new List<IpamBlockObject> { block };
            if (liveNode is not null)
            {
                blocks.AddRange(await OtherBlocksAsync(run, node, cidr, cancellationToken).ConfigureAwait(false));
            }

            var analysis = LiveCheck.Analyze(run, blocks, Array.Empty<IpamHandleObject>(), affinity is null ? Array.Empty<BlockAffinityObject>() : new[] { affinity },
                Array.Empty<Core.Snapshot.PodInfo>(), liveNode is null ? Array.Empty<Core.Snapshot.NodeInfo>() : new[] { liveNode });
            var fresh = analysis.Findings.FirstOrDefault(f => f.Kind is FindingKind.EmptyBlock or FindingKind.DeletedNodeBlock && f.Block == cidr);
            if (fresh is null)
            {
                return block.AllocatedCount > 0
                    ? Skipped(ReleaseSkipReason.NotEmpty, $"{target} holds {block.AllocatedCount} allocation(s) again.")
                    : Skipped(ReleaseSkipReason.KeepLastBlock, string.Create(CultureInfo.InvariantCulture,
                        $"{target} is now one of the {run.Options.KeepBlocksPerNode} block(s) node {node} keeps (it has {blocks.Count} affine block(s))."));
            }

            if (!fresh.Releasable || fresh is { Kind: FindingKind.DeletedNodeBlock, Detail: not "Empty" })
            {
                return Skipped(AffineBlockRelease.HoldReason(block, affinity, run.Now), fresh.Reason);
            }

            switch (await AffineBlockRelease.RunAsync(run, context, block, affinity, stripOnly: false, cancellationToken).ConfigureAwait(false))
            {
                case AffineBlockRelease.Outcome.Released:
                    return ReleaseResult.Released(finding, item, $"Released empty {target}" + (affinity is null ? "." : $" and deleted BlockAffinity {affinity.Name}."));
                case AffineBlockRelease.Outcome.BlockGone:
                    return Skipped(ReleaseSkipReason.AlreadyReleased, $"{target} was deleted by someone else meanwhile; its affinity was deleted.");
                case AffineBlockRelease.Outcome.BlockConflict:
                    var now = await run.GetBlockAsync(item.ObjectName, cancellationToken).ConfigureAwait(false);
                    var kept = affinity is null ? string.Empty : $" BlockAffinity {affinity.Name} stays pendingDeletion; node {node} re-confirms it on its next allocation.";
                    return now is { AllocatedCount: > 0 }
                        ? Skipped(ReleaseSkipReason.NowInUse, $"{target} received an allocation while it was being released, so it was kept.{kept}")
                        : Skipped(ReleaseSkipReason.Conflict, $"{target} changed while it was being released, so it was kept.{kept}");
            }
        }

        return Skipped(ReleaseSkipReason.Conflict, $"{target} was not released: its affinity changed under every one of {run.MaxAttempts} attempts.");

        ReleaseResult Skipped(ReleaseSkipReason reason, string message) => ReleaseResult.Skipped(finding, item, reason, message);
    }

    /// <summary>The block carries another owner: the affinity of this node is stale and is deleted, as libcalico does.</summary>
    public static async Task<ReleaseResult> StaleAsync(ReleaseRun run, ItemContext context, IpamBlockObject block, BlockAffinityObject? affinity, CancellationToken cancellationToken)
    {
        var item = context.Item;
        var finding = item.Findings[0];
        var owner = block.Affinity ?? "nobody";
        if (affinity is null)
        {
            return ReleaseResult.Skipped(finding, item, ReleaseSkipReason.AffinityChanged, $"{item.Target} is now affine to {owner}; nothing was changed.");
        }

        var deleted = await run.SoftDeleteAsync(context, CalicoKind.BlockAffinity, affinity, "DeleteStaleAffinity", $"block {block.Cidr} is affine to {owner}", cancellationToken).ConfigureAwait(false);
        var what = deleted.Outcome == DeleteOutcome.Conflict ? "its stale BlockAffinity " + affinity.Name + " changed meanwhile and was left" : "its stale BlockAffinity " + affinity.Name + " was deleted";
        return ReleaseResult.Skipped(finding, item, ReleaseSkipReason.AffinityChanged, $"{item.Target} is now affine to {owner}, so the block was kept; {what}.");
    }

    /// <summary>Fresh reads of the node's other affine blocks, found through one LIST of all affinities per run (filtered on spec.node, never on labels).</summary>
    private static async Task<List<IpamBlockObject>> OtherBlocksAsync(ReleaseRun run, string node, string cidr, CancellationToken cancellationToken)
    {
        var others = new List<IpamBlockObject>();
        foreach (var (_, affinityNode, affinityCidr) in await run.AffinitiesAsync().ConfigureAwait(false))
        {
            if (!string.Equals(affinityNode, node, StringComparison.Ordinal) || !IpNet.TryParse(affinityCidr, out var net) || net.ToString() == cidr)
            {
                continue;
            }

            if (await run.GetBlockAsync(CalicoNames.BlockName(net), cancellationToken).ConfigureAwait(false) is { } other && LiveCheck.HostOf(other.Affinity) == node)
            {
                others.Add(other);
            }
        }

        return others;
    }

    private static bool Matches(BlockAffinityObject affinity, string node, string cidr) =>
        string.Equals(affinity.Node, node, StringComparison.Ordinal) && IpNet.TryParse(affinity.Cidr, out var net) && net.ToString() == cidr;
}
