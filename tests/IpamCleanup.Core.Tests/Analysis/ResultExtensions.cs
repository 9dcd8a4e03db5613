using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

internal static class ResultExtensions
{
    public static List<Finding> Of(this AnalysisResult result, FindingKind kind) => result.Findings.Where(f => f.Kind == kind).ToList();

    public static Finding Single(this AnalysisResult result, FindingKind kind, string ip) =>
        Assert.Single(result.Findings, f => f.Kind == kind && f.IP == ip);

    public static List<Finding> AtIp(this AnalysisResult result, string ip) => result.Findings.Where(f => f.IP == ip).ToList();

    public static List<Finding> Releasable(this AnalysisResult result) => result.Findings.Where(f => f.Releasable).ToList();

    public static AllocationState State(this AnalysisResult result, string ip) => Assert.Single(result.Allocations, a => a.IP == ip);
}
