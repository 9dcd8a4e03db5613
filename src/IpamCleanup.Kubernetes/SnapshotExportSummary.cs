namespace IpamCleanup.Kubernetes;

/// <summary>What <see cref="CalicoClient.ExportSnapshotAsync"/> wrote.</summary>
/// <param name="ItemsPerResource">Objects written per resource ("pods", "ipamblocks.crd.projectcalico.org", ...).</param>
public sealed record SnapshotExportSummary(string Path, long ItemCount, long Bytes, IReadOnlyDictionary<string, long> ItemsPerResource);
