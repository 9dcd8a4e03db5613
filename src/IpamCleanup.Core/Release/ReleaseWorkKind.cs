namespace IpamCleanup.Core.Release;

/// <summary>The write procedure a work item runs (calico-ipam.md §4f), declared in the order a run executes them.</summary>
public enum ReleaseWorkKind
{
    /// <summary>F3: release the leaked pod and tunnel addresses of one block as one batch.</summary>
    ReleaseIps,

    /// <summary>F4: delete one handle no block refers to.</summary>
    DeleteOrphanHandle,

    /// <summary>F6: release what a deleted node left in one block, then the block or its affinity.</summary>
    ReleaseDeletedNodeBlock,

    /// <summary>F5: release one surplus empty block of a live node and its affinity.</summary>
    ReleaseEmptyBlock,

    /// <summary>F7: delete one stale or orphan affinity.</summary>
    DeleteOrphanAffinity,
}
