namespace IpamCleanup.Core.Snapshot;

/// <summary>ClusterInformation <c>default</c>. <see cref="DatastoreReady"/> null means the field is missing.</summary>
public sealed record ClusterInfoSummary(
    string ResourceVersion,
    string? ClusterGuid,
    string? ClusterType,
    string? CalicoVersion,
    bool? DatastoreReady,
    IReadOnlyDictionary<string, string> Annotations);
