using System.Text.Json.Nodes;
using IpamCleanup.Core;
using IpamCleanup.Core.Mutations;
using IpamCleanup.Core.Naming;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// F3 step 7: after addresses were freed from a block, subtract them from their handle (deleting the handle when it
/// references no block any more), re-reading on every conflict. The addresses are already free at this point, so
/// every problem here is a warning, never a failure: the block is the source of truth, and the next scan reports a
/// handle left behind as orphan (or with a drifted count).
/// </summary>
internal static class HandleDecrement
{
    /// <returns>Null when the handle was decremented or deleted; otherwise the warning to attach.</returns>
    public static async Task<string?> RunAsync(ReleaseRun run, ItemContext context, string handleName, string handleId, string blockCidr, int count, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 0; attempt < run.MaxAttempts; attempt++)
            {
                var handle = await run.GetHandleAsync(handleName, cancellationToken).ConfigureAwait(false);
                if (handle is null)
                {
                    return $"Handle {handleId} (IPAMHandle {handleName}) does not exist, so there was nothing to decrement.";
                }

                if (!string.Equals(CalicoHandles.Sanitize(handle.HandleId), handleId, StringComparison.Ordinal))
                {
                    return $"IPAMHandle {handleName} holds handle '{handle.HandleId}', not '{handleId}'; it was left unchanged.";
                }

                var mutated = handle.DeepClone();
                var decrement = HandleMutation.Decrement(mutated, blockCidr, count);
                switch (decrement.Outcome)
                {
                    case HandleDecrementOutcome.Inconsistent:
                        return decrement.Warning + "; the handle was left unchanged.";
                    case HandleDecrementOutcome.NowEmpty:
                        var deleted = await run.SoftDeleteAsync(context, CalicoKind.IpamHandle, mutated, "DeleteHandle",
                            $"its last {count} address(es), in {blockCidr}, were released", cancellationToken).ConfigureAwait(false);
                        if (deleted.Outcome is DeleteOutcome.Deleted or DeleteOutcome.NotFound)
                        {
                            return null;
                        }

                        continue;
                    default:
                        var updated = await run.UpdateAsync(context, CalicoKind.IpamHandle, mutated, "DecrementHandle",
                            $"-{count} for {blockCidr}", cancellationToken).ConfigureAwait(false);
                        if (updated.Outcome is UpdateOutcome.Updated or UpdateOutcome.NotFound)
                        {
                            return null;
                        }

                        if (updated.EarlierAttemptMayHaveApplied &&
                            await run.GetHandleAsync(handleName, cancellationToken).ConfigureAwait(false) is { } current &&
                            JsonNode.DeepEquals(current.Json["spec"], mutated.Json["spec"]))
                        {
                            return null;
                        }

                        continue;
                }
            }

            return $"Handle {handleId} was not decremented: it changed under every one of {run.MaxAttempts} attempts. A later scan reports its count drift.";
        }
        catch (IpamCleanupException e)
        {
            return $"Handle {handleId} was not decremented ({e.ErrorId}: {e.Message}). The addresses are released; a later scan reports the handle as orphan or drifted.";
        }
    }
}
