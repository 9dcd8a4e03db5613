using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

public class AnalyzerBehaviourTests
{
    private static TestCluster Busy() => new TestCluster().Pool("10.0.0.0/16").Pool("fd00::/64", 122).Node("node-a")
        .Block("fd00::/122", "host:node-a", b => b.Pod(3, "default", "gone", "node-a", TestCluster.PodHandle("z3")))
        .Block("10.0.0.64/26", "host:node-a", b => b.Pod(9, "default", "gone", "node-a", TestCluster.PodHandle("z9")).Pod(2, "default", "gone", "node-a", TestCluster.PodHandle("z2")))
        .Block("10.0.0.0/26", "host:node-a", b => b.Pod(1, "default", "gone", "node-a", TestCluster.PodHandle("z1")))
        .EmptyBlock("10.0.1.0/26", "host:node-a")
        .Handle("orphan-b").Handle("orphan-a")
        .Affinity("dead", "10.0.9.0/26");

    [Fact]
    public void Findings_are_sorted_by_kind_block_and_ordinal()
    {
        var findings = Busy().Analyze().Findings;

        Assert.Equal(
            new[]
            {
                (FindingKind.LeakedIp, "10.0.0.1"), (FindingKind.LeakedIp, "10.0.0.66"), (FindingKind.LeakedIp, "10.0.0.73"), (FindingKind.LeakedIp, "fd00::3"),
                (FindingKind.OrphanHandle, (string?)null), (FindingKind.OrphanHandle, null), (FindingKind.EmptyBlock, null), (FindingKind.OrphanAffinity, null),
            },
            findings.Select(f => (f.Kind, f.IP)));
        Assert.Equal(new[] { "orphan-a", "orphan-b" }, findings.Where(f => f.Kind == FindingKind.OrphanHandle).Select(f => f.Handle));
    }

    [Fact]
    public void Kinds_filter_returns_only_those_kinds_but_the_summary_counts_all()
    {
        var result = Busy().Analyze(o => o with { Kinds = new HashSet<FindingKind> { FindingKind.OrphanHandle } });

        Assert.All(result.Findings, f => Assert.Equal(FindingKind.OrphanHandle, f.Kind));
        Assert.Equal(2, result.Findings.Count);
        Assert.Equal(4, result.Summary.FindingCounts[FindingKind.LeakedIp]);
        Assert.Equal(4, result.Allocations.Count);
    }

    [Fact]
    public void Analysis_is_deterministic()
    {
        var cluster = Busy();
        var snapshot = cluster.Build();
        var options = new AnalysisOptions { Now = TestCluster.Now };

        Assert.Equal(LeakAnalyzer.Analyze(snapshot, options).Findings, LeakAnalyzer.Analyze(snapshot, options).Findings, new FindingEquality());
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var snapshot = Busy().Build();

        Assert.Throws<ArgumentOutOfRangeException>(() => LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = TestCluster.Now, MinimumAge = TimeSpan.FromMinutes(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = TestCluster.Now, KeepBlocksPerNode = -1 }));
    }

    [Fact]
    public void Options_have_the_documented_defaults()
    {
        var options = new AnalysisOptions { Now = TestCluster.Now };

        Assert.Equal((TimeSpan.FromMinutes(15), 1, false, "k8s-pod-network", (ISet<FindingKind>?)null),
            (options.MinimumAge, options.KeepBlocksPerNode, options.IncludeHealthy, options.DefaultNetworkName, options.Kinds));
    }

    private sealed class FindingEquality : IEqualityComparer<Finding>
    {
        public bool Equals(Finding? x, Finding? y) =>
            x is not null && y is not null && FindingComparer.Identity(x) == FindingComparer.Identity(y) && x.Reason == y.Reason && x.Releasable == y.Releasable;

        public int GetHashCode(Finding obj) => FindingComparer.Identity(obj).GetHashCode(StringComparison.Ordinal);
    }
}
