namespace IpamCleanup.Core.Release;

/// <summary>Why a finding was skipped. Stable names: the cmdlets print them and tests assert them.</summary>
public enum ReleaseSkipReason
{
    /// <summary>A live re-read shows the address or block is in use again (pod, node or new allocation).</summary>
    NowInUse,

    /// <summary>The object changed since the scan (other handle, sequence number, resourceVersion or UID).</summary>
    ChangedSinceScan,

    /// <summary>The address, handle, block or affinity is already gone.</summary>
    AlreadyReleased,

    /// <summary>Younger than the minimum age, or an affinity claim still in flight.</summary>
    TooYoung,

    /// <summary>The node would drop below the number of affine blocks it keeps.</summary>
    KeepLastBlock,

    /// <summary>The block is no longer empty.</summary>
    NotEmpty,

    /// <summary>The block's affinity no longer names the node of the finding (or the affinity is missing).</summary>
    AffinityChanged,

    /// <summary>Gave up after 100 re-reads that each ended in a write conflict, or the block changed under a delete.</summary>
    Conflict,

    /// <summary>The same address or object appeared more than once in the input; it is handled once.</summary>
    Duplicate,

    /// <summary>The scan marked the finding report-only (<c>Releasable = false</c>).</summary>
    NotReleasable,
}
