using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// F4: deletes a handle no block refers to. The handle must still be the object the scan saw (UID and
/// resourceVersion): a CNI ADD increments its handle before it writes the block, so any new use changes the
/// resourceVersion and the soft-delete CAS fails. Right before deleting, every block that could refer to the handle
/// is read again: the blocks its <c>spec.block</c> names and the blocks that mentioned it in one fresh LIST of all
/// blocks made once per run; none may mention it.
/// </summary>
internal static class OrphanHandleRelease
{
    public static async Task<ReleaseResult> RunAsync(ReleaseRun run, ItemContext context, CancellationToken cancellationToken)
    {
        var finding = context.Item.Findings[0];
        var name = context.Item.ObjectName;
        var target = "IPAMHandle " + name;
        var handle = await run.GetHandleAsync(name, cancellationToken).ConfigureAwait(false);
        if (handle is null)
        {
            return Skipped(ReleaseSkipReason.AlreadyReleased, $"{target} no longer exists.");
        }

        if (!string.IsNullOrEmpty(finding.HandleUid) && handle.Uid != finding.HandleUid)
        {
            return Skipped(ReleaseSkipReason.ChangedSinceScan, $"{target} was deleted and created again since the scan (uid {finding.HandleUid}, now {handle.Uid}).");
        }

        if (handle.ResourceVersion != finding.HandleResourceVersion)
        {
            return Skipped(ReleaseSkipReason.ChangedSinceScan,
                $"{target} changed since the scan (resourceVersion {finding.HandleResourceVersion}, now {handle.ResourceVersion}): it may be in use by a new allocation.");
        }

        var handleId = CalicoHandles.Sanitize(handle.HandleId) ?? string.Empty;
        var blockNames = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var cidr in handle.Block.Keys)
        {
            if (IpNet.TryParse(cidr, out var net))
            {
                blockNames.Add(CalicoNames.BlockName(net));
            }
        }

        var references = await run.BlockReferencesAsync().ConfigureAwait(false);
        if (references.TryGetValue(handleId, out var listed))
        {
            blockNames.UnionWith(listed);
        }

        var blocks = new List<IpamBlockObject>(blockNames.Count);
        foreach (var blockName in blockNames)
        {
            if (await run.GetBlockAsync(blockName, cancellationToken).ConfigureAwait(false) is { } block)
            {
                blocks.Add(block);
            }
        }

        var analysis = LiveCheck.Analyze(run, blocks, new[] { handle }, Array.Empty<BlockAffinityObject>(), Array.Empty<Core.Snapshot.PodInfo>(), Array.Empty<Core.Snapshot.NodeInfo>());
        var fresh = analysis.Findings.FirstOrDefault(f => f.Kind == FindingKind.OrphanHandle && f.HandleName == handle.Name);
        if (fresh is null)
        {
            var user = blocks.FirstOrDefault(b => b.Attributes.Any(a => string.Equals(a.SanitizedHandleId, handleId, StringComparison.Ordinal)));
            return Skipped(ReleaseSkipReason.NowInUse, $"{target} is referenced again, by IPAMBlock {user?.Name ?? "?"} ({user?.Cidr ?? "?"}).");
        }

        if (!fresh.Releasable)
        {
            return Skipped(fresh.Age is { } age && age < run.Options.MinimumAge ? ReleaseSkipReason.TooYoung : ReleaseSkipReason.NowInUse, fresh.Reason);
        }

        var deleted = await run.SoftDeleteAsync(context, CalicoKind.IpamHandle, handle, "DeleteOrphanHandle",
            $"no block references handle {handleId} (re-checked {blocks.Count} block(s))", cancellationToken).ConfigureAwait(false);
        return deleted.Outcome switch
        {
            DeleteOutcome.Deleted => ReleaseResult.Released(finding, context.Item, $"Deleted orphan {target} (handle {handleId}, resourceVersion {handle.ResourceVersion})."),
            DeleteOutcome.NotFound => Skipped(ReleaseSkipReason.AlreadyReleased, $"{target} was deleted by someone else meanwhile."),
            _ => Skipped(ReleaseSkipReason.ChangedSinceScan, $"{target} changed while it was being deleted (it may be in use again); nothing was deleted."),
        };

        ReleaseResult Skipped(ReleaseSkipReason reason, string message) => ReleaseResult.Skipped(finding, context.Item, reason, message);
    }
}
