using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Snapshot;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Kubernetes.Tests;

/// <summary>
/// Get-CalicoIpamLeak -SnapshotPath must give exactly the findings of the live path: the same generated cluster is read
/// live (paged LIST) and from two dumps (the server's kubectl-style List and Export-CalicoIpamSnapshot's file).
/// </summary>
public sealed class OfflineLiveEquivalenceTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 24).Select(seed => new object[] { seed });

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Offline_dumps_give_exactly_the_live_findings(int seed)
    {
        var spec = $"nodes={4 + (seed % 5)},pods={30 + (seed * 7 % 40)},seed={seed},leakedPods={seed % 6},deletedNodes={seed % 3},orphanHandles={seed % 4},emptyBlocks={seed % 3}" +
                   $",dualStack={(seed % 2 == 0 ? "true" : "false")},tunnel={(seed % 3) switch { 0 => "vxlan", 1 => "ipip", _ => "wireguard" }}";
        await using var cluster = await TestCluster.StartAsync(ApiLayout.V1, spec);
        using var client = await cluster.ConnectAsync();
        var options = new AnalysisOptions { Now = DateTimeOffset.UtcNow };

        var live = LeakAnalyzer.Analyze(await client.ReadSnapshotAsync(), options);
        var serverDump = Path.Combine(cluster.Directory, "server-dump.json");
        await File.WriteAllTextAsync(serverDump, cluster.Server.Store.DumpList());
        var exported = Path.Combine(cluster.Directory, "export.json");
        await client.ExportSnapshotAsync(exported);

        var expected = Identities(live);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Identities(LeakAnalyzer.Analyze(SnapshotFile.Load(serverDump), options)));
        Assert.Equal(expected, Identities(LeakAnalyzer.Analyze(SnapshotFile.Load(exported), options)));
    }

    private static List<string> Identities(AnalysisResult result) =>
        result.Findings.Select(f => $"{FindingComparer.Identity(f)}|{f.Releasable}|{f.Reason}|{f.BlockResourceVersion}|{f.HandleResourceVersion}").ToList();
}
