namespace IpamCleanup.Core.Release;

/// <summary>
/// The work items to ask about (in the order they should run) and the results already decided while planning
/// (findings of kinds that are never released, report-only findings, duplicates, findings missing data).
/// </summary>
public sealed record ReleasePlan(IReadOnlyList<ReleaseWorkItem> Items, IReadOnlyList<ReleaseResult> Decided)
{
    /// <summary>The number of findings the items settle (one result each once executed).</summary>
    public int FindingCount => Items.Sum(i => i.Findings.Count);
}
