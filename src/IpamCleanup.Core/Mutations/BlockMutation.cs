using IpamCleanup.Core.Model;

namespace IpamCleanup.Core.Mutations;

/// <summary>Block edits other than releasing addresses.</summary>
public static class BlockMutation
{
    /// <summary>
    /// Makes the block non-affine (the mustBeEmpty=false path of releaseBlockAffinity, §4f F6 step 3): removes
    /// <c>affinity</c> and <c>affinityClaimTime</c> and bumps <c>sequenceNumber</c>, as libcalico's updateBlock does.
    /// libcalico deletes the block itself once its last address is released. Returns the removed affinity.
    /// </summary>
    /// <exception cref="FormatException">The stored sequence number is not an unsigned 64-bit integer.</exception>
    public static string? StripAffinity(IpamBlockObject block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var sequenceNumber = block.SequenceNumber;
        var previous = block.Affinity;
        block.Affinity = null;
        block.AffinityClaimTime = null;
        block.SequenceNumber = unchecked(sequenceNumber + 1);
        return previous;
    }
}
