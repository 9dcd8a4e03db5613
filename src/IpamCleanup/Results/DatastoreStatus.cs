using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Results;

/// <summary>What Get-CalicoDatastoreStatus reports about one cluster's Calico datastore.</summary>
public sealed record DatastoreStatus
{
    public required string Context { get; init; }

    public required string Server { get; init; }

    /// <summary>ClassicV1, ClassicWithApiServer or NativeV3 (calico-ipam.md §1.1).</summary>
    public required string ApiLayout { get; init; }

    /// <summary>The group/version the IPAM objects are read from and written to.</summary>
    public required string ApiVersion { get; init; }

    public string? CalicoVersion { get; init; }

    public string? ClusterGuid { get; init; }

    public string? ClusterType { get; init; }

    /// <summary>"true", "false" (locked) or "missing".</summary>
    public required string DatastoreReady { get; init; }

    public bool Locked => DatastoreReady == "false";

    public string? ProbableLocker { get; init; }

    public IReadOnlyDictionary<string, string> LockAnnotations { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<DatastoreMigrationInfo> Migrations { get; init; } = Array.Empty<DatastoreMigrationInfo>();

    public bool? StrictAffinity { get; init; }

    /// <summary>As configured; 0 means Calico's default of 20.</summary>
    public int? MaxBlocksPerHost { get; init; }

    /// <summary>v3.33 IP cooldown in seconds (released addresses stay unusable this long); null when not configured.</summary>
    public int? IpCooldownSeconds { get; init; }

    /// <summary>kube-controllers' leak grace period; null when not set (GC of live-node leaks off).</summary>
    public TimeSpan? LeakGracePeriod { get; init; }

    public long BlockCount { get; init; }

    public long HandleCount { get; init; }

    public long AffinityCount { get; init; }

    public long PoolCount { get; init; }
}
