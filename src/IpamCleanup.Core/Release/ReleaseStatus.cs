namespace IpamCleanup.Core.Release;

/// <summary>What happened to one input finding.</summary>
public enum ReleaseStatus
{
    /// <summary>The object was freed (or, for a deleted node's block with live borrowed addresses, un-affined).</summary>
    Released,

    /// <summary>Nothing was written for this finding because a re-check at write time said no; see the reason.</summary>
    Skipped,

    /// <summary>An error (or a finding this engine cannot act on); the result carries the exception and ErrorId.</summary>
    Failed,
}
