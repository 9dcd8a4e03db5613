namespace IpamCleanup.Core.Analysis;

/// <summary>The kinds of leaked or inconsistent IPAM state Get-CalicoIpamLeak reports.</summary>
public enum FindingKind
{
    LeakedIp,
    PartialHandle,
    LeakedTunnelIp,
    OrphanHandle,
    MissingHandle,
    EmptyBlock,
    DeletedNodeBlock,
    OrphanAffinity,
    InUseNotAllocated,
    MultipleOwners,
    UnknownAllocation,
    CoolingDown,
    CorruptBlock,
}
