using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// F6: cleans up one block of a deleted node. The node must still be gone (live GET). The block is re-analysed with
/// live reads of every pod and node its allocations name: leaked addresses in it are released first (as an F3
/// batch), then the block is released as in F5 without the keep-one rule, or, when live addresses of other nodes
/// remain, the block loses its affinity and stays (Calico deletes it when its last address goes).
/// Every conflict re-reads and re-evaluates everything.
/// </summary>
internal static class DeletedNodeBlockRelease
{
    public static async Task<ReleaseResult> RunAsync(ReleaseRun run, ItemContext context, CancellationToken cancellationToken)
    {
        var item = context.Item;
        var finding = item.Findings[0];
        var node = item.Node!;
        var cidr = item.Cidr!;
        var target = item.Target;
        var affinityName = ReleasePlanner.AffinityNameOf(finding)!;
        var releasedFirst = 0;
        var warnings = new List<string>();
        await run.AddressBatchDoneAsync(cidr, cancellationToken).ConfigureAwait(false);
        using var blockLock = await run.BlockLocks.AcquireAsync(cidr, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < run.MaxAttempts; attempt++)
        {
            if (await run.GetNodeAsync(node, cancellationToken).ConfigureAwait(false) is not null)
            {
                return Skipped(ReleaseSkipReason.NowInUse, $"Node {node} exists again, so {target} is its block again.");
            }

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
            if (affinity is not null && !string.Equals(affinity.Node, node, StringComparison.Ordinal))
            {
                affinity = null;
            }

            if (LiveCheck.HostOf(block.Affinity) != node)
            {
                return await EmptyBlockRelease.StaleAsync(run, context, block, affinity, cancellationToken).ConfigureAwait(false);
            }

            var (pods, nodes) = await LiveCheck.ReadOwnersAsync(run, block, null, cancellationToken).ConfigureAwait(false);
            var analysis = LiveCheck.Analyze(run, new[] { block }, Array.Empty<IpamHandleObject>(), affinity is null ? Array.Empty<BlockAffinityObject>() : new[] { affinity }, pods, nodes);
            var fresh = analysis.Findings.FirstOrDefault(f => f.Kind == FindingKind.DeletedNodeBlock && f.Block == cidr);
            if (fresh is null)
            {
                return Skipped(ReleaseSkipReason.ChangedSinceScan, $"{target} is no longer a block of deleted node {node}; scan again.");
            }

            if (!fresh.Releasable)
            {
                var reason = fresh.Detail switch
                {
                    "InUse" or "Unknown" => ReleaseSkipReason.NowInUse,
                    "CoolingDown" => ReleaseSkipReason.NotEmpty,
                    "LeakedOnly" => ReleaseSkipReason.TooYoung,
                    _ => AffineBlockRelease.HoldReason(block, affinity, run.Now),
                };
                return Skipped(reason, fresh.Reason);
            }

            var leaks = analysis.Findings
                .Where(f => f.Kind is FindingKind.LeakedIp or FindingKind.LeakedTunnelIp && f.Releasable && f.Block == cidr)
                .ToList();
            if (leaks.Count > 0)
            {
                var results = await IpBatchRelease.RunAsync(run, context, cidr, item.ObjectName, leaks, cancellationToken).ConfigureAwait(false);
                releasedFirst += results.Count(r => r.Status == ReleaseStatus.Released);
                warnings.AddRange(results.SelectMany(r => r.Warnings));
                if (results.FirstOrDefault(r => r.Status != ReleaseStatus.Released) is { } stuck)
                {
                    return stuck.Status == ReleaseStatus.Failed
                        ? ReleaseResult.Failed(finding, item, stuck.Error!, warnings)
                        : Skipped(stuck.Reason!.Value, $"{target} was kept: {stuck.Message}");
                }

                continue;
            }

            var strip = fresh.Detail == "Borrowed";
            switch (await AffineBlockRelease.RunAsync(run, context, block, affinity, strip, cancellationToken).ConfigureAwait(false))
            {
                case AffineBlockRelease.Outcome.Released:
                    var first = releasedFirst > 0 ? $"released its {releasedFirst} leaked address(es), then " : string.Empty;
                    var done = strip
                        ? $"removed the affinity of deleted node {node} from {target}, which keeps {block.AllocatedCount} live address(es) of other nodes"
                        : $"deleted {target}";
                    var affinityText = affinity is null ? string.Empty : $" and BlockAffinity {affinity.Name}";
                    return ReleaseResult.Released(finding, item, char.ToUpperInvariant(first.Length > 0 ? first[0] : done[0]) + (first + done)[1..] + affinityText + ".", warnings);
                case AffineBlockRelease.Outcome.BlockGone:
                    return Skipped(ReleaseSkipReason.AlreadyReleased, $"{target} was deleted by someone else meanwhile; its affinity was deleted.");
            }
        }

        return Skipped(ReleaseSkipReason.Conflict, $"{target} was not released: it changed under every one of {run.MaxAttempts} attempts.");

        ReleaseResult Skipped(ReleaseSkipReason reason, string message) => ReleaseResult.Skipped(finding, item, reason, message, warnings);
    }
}
