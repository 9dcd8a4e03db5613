namespace IpamCleanup.Kubernetes;

/// <summary>Progress of a snapshot read or export: the resource being read and the items read so far.</summary>
/// <param name="Resource">The resource, as RBAC names it ("pods", "ipamblocks.crd.projectcalico.org").</param>
/// <param name="Step">1-based position of <paramref name="Resource"/> among <paramref name="StepCount"/> resources.</param>
/// <param name="ItemsRead">Items of this resource read so far.</param>
/// <param name="TotalItemsRead">Items of all resources read so far.</param>
public sealed record SnapshotProgress(string Resource, int Step, int StepCount, long ItemsRead, long TotalItemsRead);
