using IpamCleanup.Core.Model;

namespace IpamCleanup.Core.Mutations;

/// <summary>Edits of a BlockAffinity during libcalico's release dance (calico-ipam.md §4c releaseBlockAffinity, §4f F5).</summary>
public static class AffinityMutation
{
    /// <summary>
    /// Sets <c>spec.state</c> to <c>pendingDeletion</c> (step 1 of releasing a block's affinity). Returns the previous
    /// state. If a later step conflicts, a live owner re-confirms the affinity on its next allocation.
    /// </summary>
    public static string? MarkPendingDeletion(BlockAffinityObject affinity)
    {
        ArgumentNullException.ThrowIfNull(affinity);
        var previous = affinity.State;
        affinity.State = BlockAffinityObject.StatePendingDeletion;
        return previous;
    }
}
