namespace IpamCleanup.Core.Analysis;

/// <summary>One entry of a calicoctl <c>ipam check</c> report's <c>allocations</c> map (Go type <c>Allocation</c>).</summary>
/// <param name="Handle">The raw handle; null (omitted) for Windows-reserved and handle-less allocations, as calicoctl writes them.</param>
/// <param name="CreationTimestamp">A copy of the allocation's <c>timestamp</c> attribute (Go time text).</param>
/// <param name="Owners">Null when empty (Go writes <c>null</c>).</param>
public sealed record CalicoctlAllocation(
    string IP,
    string? Handle,
    ulong? SequenceNumber,
    string? Pod,
    string? Namespace,
    string? Node,
    string? Type,
    string? CreationTimestamp,
    bool InUse,
    bool Borrowed,
    bool CoolingDown,
    IReadOnlyList<string>? Owners);
