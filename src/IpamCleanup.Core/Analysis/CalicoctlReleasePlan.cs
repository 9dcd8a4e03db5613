namespace IpamCleanup.Core.Analysis;

/// <summary>
/// The intersection of several calicoctl reports (what <c>calicoctl ipam release --from-report</c> would release,
/// made stricter): addresses leaked in every report with the same handle and sequence number, handles leaked in every
/// report with the same UID and Revision.
/// </summary>
/// <param name="ClusterInformationRevisions">Each report's clusterInformationRevision: at least one should equal the current one.</param>
/// <param name="Allocations">The leaked allocations, from the last report, sorted by address.</param>
public sealed record CalicoctlReleasePlan(
    string ClusterGuid,
    IReadOnlyList<string> ClusterInformationRevisions,
    IReadOnlyList<CalicoctlAllocation> Allocations,
    IReadOnlyList<CalicoctlLeakedHandle> Handles);
