namespace IpamCleanup.Core.Mutations;

/// <summary>Why <see cref="BlockRelease"/> refused a whole batch.</summary>
public enum ReleaseFailureReason
{
    /// <summary>The address is of the other family or outside the block's CIDR.</summary>
    AddressNotInBlock,

    /// <summary>The stored handle differs from the expected one (libcalico's ErrorBadHandle): the IP was re-allocated.</summary>
    HandleMismatch,

    /// <summary>The ordinal's sequence number differs (libcalico's ErrorBadSequenceNumber): the IP was re-allocated.</summary>
    SequenceNumberMismatch,

    /// <summary>The ordinal is a v3.33 cooldown entry (<c>releasedAt</c>); Calico itself frees it when the cooldown ends.</summary>
    CoolingDown,

    /// <summary>The block cannot be edited safely (bad CIDR, wrong allocations length, dangling attribute index, non-integer values).</summary>
    MalformedBlock,
}
