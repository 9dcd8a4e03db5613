namespace IpamCleanup.Core.Analysis;

/// <summary>What <see cref="LeakAnalyzer.Analyze"/> considers safe to release and what it reports.</summary>
public sealed record AnalysisOptions
{
    /// <summary>The wall clock the ages are measured against (the analysis itself never reads the clock).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>
    /// A leaked allocation or orphan handle younger than this is still reported, but with Releasable = false and a
    /// Reason saying "younger than MinimumAge" (it may belong to a CNI ADD or DEL still in flight). An allocation's age
    /// comes from its <c>timestamp</c> attribute, else from its block's creationTimestamp; unknown age is never
    /// releasable. Default 15 minutes, kube-controllers' default grace period.
    /// </summary>
    public TimeSpan MinimumAge { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How many host-affine blocks (IPv4 and IPv6 together, empty or not) every live node keeps. Default 1, as
    /// kube-controllers. When empty blocks must be kept, the most recently claimed ones are kept.
    /// </summary>
    public int KeepBlocksPerNode { get; init; } = 1;

    /// <summary>
    /// Also emit healthy state, all report only: CoolingDown addresses, the empty blocks kept by
    /// <see cref="KeepBlocksPerNode"/>, and live nodes' blocks holding only Windows-reserved addresses.
    /// </summary>
    public bool IncludeHealthy { get; init; }

    /// <summary>
    /// The CNI network name of Calico's primary network (the handle prefix before the first '.').
    /// Pod allocations whose handle names another network (Multus, secondary Calico networks) are report only.
    /// Null turns that check off.
    /// </summary>
    public string? DefaultNetworkName { get; init; } = "k8s-pod-network";

    /// <summary>Only these kinds are returned (the summary still counts every kind). Null returns all.</summary>
    public ISet<FindingKind>? Kinds { get; init; }

    /// <summary>
    /// How many threads the per-allocation work may use; null decides from the snapshot's size and the core count.
    /// The result never depends on it (tests run every scenario both ways).
    /// </summary>
    internal int? Parallelism { get; init; }

    internal void Validate()
    {
        if (MinimumAge < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumAge), MinimumAge, "MinimumAge cannot be negative.");
        }

        if (KeepBlocksPerNode < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(KeepBlocksPerNode), KeepBlocksPerNode, "KeepBlocksPerNode cannot be negative.");
        }

        if (Parallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "Parallelism must be at least 1.");
        }
    }
}
