namespace IpamCleanup.Core.Analysis;

/// <summary>
/// IPAM usage and finding counts from one analysis (calicoctl <c>ipam show</c> and the top-nodes part of
/// <c>ipam check</c>). The counts cover every finding, whatever <see cref="AnalysisOptions.Kinds"/> filtered.
/// </summary>
/// <param name="Pools">Per IP pool, in snapshot order; each block is counted in the most specific pool containing it.</param>
/// <param name="OrphanedBlocks">Blocks inside no pool ("orphaned allocation blocks"), or null when there are none.</param>
/// <param name="TopNodes">Up to 20 nodes with the most allocations, most first.</param>
/// <param name="MedianAllocationsPerNode">As calicoctl prints it: the entry at index n/2 of the nodes sorted by allocations, most first.</param>
/// <param name="InUseOutsideActivePools">Addresses live owners use outside every enabled pool (not Calico's; not findings).</param>
public sealed record IpamSummary(
    DateTimeOffset ObservedAt,
    string? ClusterGuid,
    int BlockCount,
    int AllocationCount,
    int HandleCount,
    int AffinityCount,
    int PodCount,
    int NodeCount,
    IReadOnlyDictionary<FindingKind, int> FindingCounts,
    IReadOnlyDictionary<FindingKind, int> ReleasableCounts,
    IReadOnlyList<PoolUsage> Pools,
    PoolUsage? OrphanedBlocks,
    IReadOnlyList<NodeUsage> Nodes,
    IReadOnlyList<NodeUsage> TopNodes,
    int MaxAllocationsPerNode,
    int MedianAllocationsPerNode,
    int InUseOutsideActivePools);
