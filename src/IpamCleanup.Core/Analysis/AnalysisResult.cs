namespace IpamCleanup.Core.Analysis;

/// <summary>
/// The outcome of one analysis: the findings (after the Kinds filter, sorted by kind, block and ordinal), the
/// summary (over every finding), and the verdict for every allocated ordinal, which the calicoctl report is built from.
/// </summary>
public sealed record AnalysisResult(
    IReadOnlyList<Finding> Findings,
    IpamSummary Summary,
    IReadOnlyList<AllocationState> Allocations);
