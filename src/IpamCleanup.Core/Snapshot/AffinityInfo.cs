namespace IpamCleanup.Core.Snapshot;

/// <summary>A BlockAffinity. <see cref="Type"/> defaults to "host" when the stored value is empty (pre-upgrade rows).</summary>
public sealed record AffinityInfo(
    string Name,
    string Uid,
    string ResourceVersion,
    DateTimeOffset? CreationTimestamp,
    string Node,
    string Type,
    string Cidr,
    string State);
