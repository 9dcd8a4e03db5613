namespace IpamCleanup.Kubernetes;

/// <summary>
/// Which list of snapshot records a LIST feeds. <see cref="Builder"/> items go straight into the snapshot's builder;
/// the others are reduced to records page by page, in parallel, by a builder per page.
/// </summary>
internal enum SnapshotRecordKind
{
    Builder,
    Pods,
    Nodes,
    Services,
    Blocks,
    Handles,
    Affinities,
}
