using System.Text.Json.Nodes;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Mutations;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// libcalico's releaseBlockAffinity dance (calico-ipam.md §4c, F5 steps 4–6 and F6 step 3), on objects the caller
/// has just read and re-checked: mark the affinity pendingDeletion, then delete the block with the resourceVersion
/// read (or, for a deleted node whose block still holds live borrowed addresses, remove the block's affinity), then
/// delete the affinity. A conflict on the block leaves the affinity pendingDeletion, which a live owner re-confirms on
/// its next allocation.
/// </summary>
internal static class AffineBlockRelease
{
    public enum Outcome
    {
        /// <summary>The block was deleted (or un-affined) and the affinity deleted.</summary>
        Released,

        /// <summary>The affinity changed before anything else was written: re-read and re-evaluate.</summary>
        AffinityConflict,

        /// <summary>The block changed after the affinity was marked pendingDeletion; nothing else was written.</summary>
        BlockConflict,

        /// <summary>The block disappeared meanwhile; the affinity was deleted.</summary>
        BlockGone,
    }

    /// <param name="stripOnly">True keeps the block and removes its affinity (live borrowed addresses remain in it).</param>
    public static async Task<Outcome> RunAsync(ReleaseRun run, ItemContext context, IpamBlockObject block, BlockAffinityObject? affinity, bool stripOnly, CancellationToken cancellationToken)
    {
        BlockAffinityObject? marked = null;
        if (affinity is not null)
        {
            var pending = affinity.DeepClone();
            AffinityMutation.MarkPendingDeletion(pending);
            var update = await run.UpdateAsync(context, CalicoKind.BlockAffinity, pending, "MarkAffinityPendingDeletion", "releasing block " + block.Cidr, cancellationToken).ConfigureAwait(false);
            if (update.Outcome == UpdateOutcome.Updated)
            {
                marked = new BlockAffinityObject(update.Object!);
            }
            else if (update.Outcome == UpdateOutcome.Conflict && update.EarlierAttemptMayHaveApplied &&
                     await run.GetAffinityAsync(affinity.Name!, cancellationToken).ConfigureAwait(false) is { } current &&
                     JsonNode.DeepEquals(current.Json["spec"], pending.Json["spec"]))
            {
                marked = current;
            }
            else
            {
                return Outcome.AffinityConflict;
            }
        }

        var blockGone = false;
        if (stripOnly)
        {
            var stripped = block.DeepClone();
            BlockMutation.StripAffinity(stripped);
            var update = await run.UpdateAsync(context, CalicoKind.IpamBlock, stripped, "StripBlockAffinity",
                $"removed affinity {block.Affinity}; the block keeps its {stripped.AllocatedCount} allocation(s)", cancellationToken).ConfigureAwait(false);
            switch (update.Outcome)
            {
                case UpdateOutcome.NotFound:
                    blockGone = true;
                    break;
                case UpdateOutcome.Conflict:
                    var current = update.EarlierAttemptMayHaveApplied ? await run.GetBlockAsync(block.Name!, cancellationToken).ConfigureAwait(false) : null;
                    if (current is null || !JsonNode.DeepEquals(current.Json["spec"], stripped.Json["spec"]))
                    {
                        return Outcome.BlockConflict;
                    }

                    break;
            }
        }
        else
        {
            var deleted = await run.SoftDeleteAsync(context, CalicoKind.IpamBlock, block, "DeleteBlock",
                $"empty block of {block.Affinity} (sequence number {block.SequenceNumber})", cancellationToken).ConfigureAwait(false);
            switch (deleted.Outcome)
            {
                case DeleteOutcome.Conflict:
                    return Outcome.BlockConflict;
                case DeleteOutcome.NotFound:
                    blockGone = true;
                    break;
            }
        }

        if (marked is not null)
        {
            var deleted = await run.SoftDeleteAsync(context, CalicoKind.BlockAffinity, marked, "DeleteAffinity", "after releasing block " + block.Cidr, cancellationToken).ConfigureAwait(false);
            if (deleted.Outcome == DeleteOutcome.Conflict)
            {
                context.Warn($"BlockAffinity {marked.Name} changed after it was marked pendingDeletion and was left in place; its owner re-confirms or Calico removes it.");
            }
        }

        return blockGone ? Outcome.BlockGone : Outcome.Released;
    }

    /// <summary>Why a block that is not releasable now is held, as a skip reason.</summary>
    public static ReleaseSkipReason HoldReason(IpamBlockObject block, BlockAffinityObject? affinity, DateTimeOffset now)
    {
        if (block.AllocatedCount > 0)
        {
            return ReleaseSkipReason.NotEmpty;
        }

        if (affinity is null || affinity.State == BlockAffinityObject.StatePendingDeletion)
        {
            return ReleaseSkipReason.AffinityChanged;
        }

        if (affinity.State == BlockAffinityObject.StatePending)
        {
            return ReleaseSkipReason.TooYoung;
        }

        var claimed = block.AffinityClaimTime ?? block.CreationTimestamp;
        return claimed is { } t && now - t < TimeSpan.FromMinutes(1) ? ReleaseSkipReason.TooYoung : ReleaseSkipReason.NowInUse;
    }
}
