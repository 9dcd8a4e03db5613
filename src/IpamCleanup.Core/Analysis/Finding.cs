namespace IpamCleanup.Core.Analysis;

/// <summary>
/// One problem found in a snapshot, carrying what a later write needs to prove nothing changed
/// (handle, sequence number, resourceVersions and UIDs of the block, handle and affinity involved).
/// Immutable: the removal code re-reads everything it writes and compares against these values.
/// </summary>
public sealed record Finding
{
    public required FindingKind Kind { get; init; }

    /// <summary>True when Remove-CalicoLeakedIp / Remove-CalicoEmptyBlock may act on it; false means report only.</summary>
    public required bool Releasable { get; init; }

    public string? IP { get; init; }

    /// <summary>Block CIDR in Go canonical form.</summary>
    public string? Block { get; init; }

    public string? Node { get; init; }

    public string? Namespace { get; init; }

    public string? Pod { get; init; }

    /// <summary>The sanitised handle ID (<c>spec.handleID</c> form, '\r' suffix removed).</summary>
    public string? Handle { get; init; }

    /// <summary>The handle exactly as stored in the block attribute (may differ from <see cref="Handle"/> by a '\r' suffix).</summary>
    public string? RawHandle { get; init; }

    public ulong? SequenceNumber { get; init; }

    /// <summary>Allocation type attribute (tunnel type, LoadBalancer...), if any.</summary>
    public string? AllocationType { get; init; }

    public TimeSpan? Age { get; init; }

    public required string Reason { get; init; }

    /// <summary>What the removal cmdlet would do, or "report only".</summary>
    public required string Action { get; init; }

    /// <summary>
    /// What a block or affinity finding found. DeletedNodeBlock: "Empty", "LeakedOnly", "Borrowed" (releasable kinds of
    /// content), "InUse", "CoolingDown", "Unknown" (why it is kept). EmptyBlock: "Empty", "WindowsReservedOnly",
    /// "Unaffine". OrphanAffinity: "BlockMissing" or "Stale".
    /// </summary>
    public string? Detail { get; init; }

    public string? BlockName { get; init; }

    public string? BlockResourceVersion { get; init; }

    public string? BlockUid { get; init; }

    public ulong? BlockSequenceNumber { get; init; }

    public string? HandleName { get; init; }

    public string? HandleResourceVersion { get; init; }

    public string? HandleUid { get; init; }

    public string? AffinityName { get; init; }

    public string? AffinityResourceVersion { get; init; }

    public string? AffinityUid { get; init; }

    /// <summary>For pod findings: the UID of the pod seen at scan time, if it existed.</summary>
    public string? PodUid { get; init; }

    /// <summary>Owners claiming the address (MultipleOwners / InUseNotAllocated), e.g. "Workload(ns/name)", "Node(x)".</summary>
    public IReadOnlyList<string> Owners { get; init; } = Array.Empty<string>();

    public string? ClusterGuid { get; init; }

    public DateTimeOffset ObservedAt { get; init; }
}
