namespace IpamCleanup.Kubernetes.Release;

/// <summary>How a <see cref="ReleaseEngine"/> run writes. Every property has a safe default.</summary>
public sealed class ReleaseOptions
{
    /// <summary>How many work items (blocks, handles, affinities) are processed at the same time. Default 4.</summary>
    public int ThrottleLimit { get; init; } = 4;

    /// <summary>
    /// The cap on API requests per second for the whole run, reads and writes together (one token bucket shared by all
    /// workers). Default 50. <see cref="double.PositiveInfinity"/> removes the cap.
    /// </summary>
    public double MaxRequestsPerSecond { get; init; } = 50;

    /// <summary>
    /// The write-time re-check refuses leaks and orphan handles younger than this, exactly as the scan did
    /// (AnalysisOptions.MinimumAge). Default 15 minutes; use the value the findings were produced with.
    /// </summary>
    public TimeSpan MinimumAge { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How many host-affine blocks every live node keeps; re-checked at write time. Default 1.</summary>
    public int KeepBlocksPerNode { get; init; } = 1;

    /// <summary>The CNI network name of Calico's primary network (AnalysisOptions.DefaultNetworkName). Default "k8s-pod-network".</summary>
    public string? DefaultNetworkName { get; init; } = "k8s-pod-network";

    /// <summary>
    /// Null (default): classic release, the address is reusable at once (what Calico up to v3.32 does, and safe with
    /// any mix of versions). A value: v3.33 cooldown release with this many seconds (the cluster's
    /// <c>ipCooldownSeconds</c>): released addresses point at a <c>releasedAt</c> entry and stay unusable until the
    /// cooldown ends. Only for clusters whose every component runs v3.33 or later.
    /// </summary>
    public int? CooldownSeconds { get; init; }

    /// <summary>The change request (ticket) recorded with every audited write.</summary>
    public string? ChangeRequest { get; init; }

    /// <summary>The cluster GUID recorded in the audit log; null takes it from the findings.</summary>
    public string? ClusterGuid { get; init; }

    /// <summary>Receives one record per write attempt; null audits nothing.</summary>
    public IAuditSink? Audit { get; init; }

    /// <summary>
    /// A file to save, before the first write, every object the run is about to change (as read then), as a kubectl
    /// <c>v1 List</c>. The file must not exist yet. Null takes no backup.
    /// </summary>
    public string? BackupPath { get; init; }

    /// <summary>Re-reads after write conflicts before an item is given up as <c>Conflict</c>. Default 100, as libcalico.</summary>
    public int MaxConflictRetries { get; init; } = 100;

    /// <summary>Verbose lines, called from worker threads: the callback must only enqueue.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The clock the re-check measures ages with.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (ThrottleLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ThrottleLimit), ThrottleLimit, "ThrottleLimit must be at least 1.");
        }

        if (double.IsNaN(MaxRequestsPerSecond) || MaxRequestsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestsPerSecond), MaxRequestsPerSecond, "MaxRequestsPerSecond must be positive.");
        }

        if (MinimumAge < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumAge), MinimumAge, "MinimumAge cannot be negative.");
        }

        if (KeepBlocksPerNode < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(KeepBlocksPerNode), KeepBlocksPerNode, "KeepBlocksPerNode cannot be negative.");
        }

        if (MaxConflictRetries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConflictRetries), MaxConflictRetries, "MaxConflictRetries must be at least 1.");
        }

        if (CooldownSeconds is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CooldownSeconds), CooldownSeconds, "CooldownSeconds cannot be negative.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
