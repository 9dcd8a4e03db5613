using IpamCleanup.Core.Release;
using IpamCleanup.Sandbox;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>
/// Issue 5 test (c): with 30% of writes answered 409 and some requests answered 429, 5xx or cut off mid-response,
/// a cleanup ends in exactly the state it reaches without faults, with the same outcome for every finding.
/// </summary>
public sealed class FaultToleranceTests
{
    private const string Spec = "nodes=4,pods=24,leakedPods=10,deletedNodes=1,orphanHandles=4,emptyBlocks=3,blockSize=27,seed=11";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Conflicts_throttling_server_errors_and_dropped_connections_end_in_the_fault_free_state(int faultSeed)
    {
        var (calmState, calmOutcomes, _) = await CleanUpAsync(null);
        var faults = new FaultSettings
        {
            ConflictRate = 0.3,
            TooManyRequestsRate = 0.05,
            RetryAfterSeconds = 0,
            ServerErrorRate = 0.05,
            DropRate = 0.05,
            Seed = faultSeed,
        };

        var (faultyState, faultyOutcomes, statistics) = await CleanUpAsync(faults);

        Assert.Equal(calmOutcomes, faultyOutcomes);
        Assert.Equal(calmState, faultyState);
        Assert.True(statistics.Conflicts > 0, "no conflict was injected");
    }

    /// <summary>Scans without faults, releases everything releasable with <paramref name="faults"/> on, and returns the IPAM state.</summary>
    private static async Task<(string State, string Outcomes, Kubernetes.Release.ReleaseStatistics Statistics)> CleanUpAsync(FaultSettings? faults)
    {
        await using var cluster = await TestCluster.StartAsync(generate: Spec);
        using var client = await cluster.ConnectAsync(options => options.MaxRetries = 12);
        var findings = (await ScanAsync(client)).Where(f => f.Releasable).ToList();
        if (faults is not null)
        {
            cluster.Server.Faults.CopyFrom(faults);
        }

        var engine = new Kubernetes.Release.ReleaseEngine(client, Options());
        var results = await engine.ReleaseAsync(findings);
        cluster.Server.Faults.Clear();

        var outcomes = string.Join("\n", results
            .Select(r => $"{r.Finding.Kind} {r.Finding.IP ?? r.Finding.Block ?? r.Finding.Handle}: {r.Status} {r.Reason}")
            .Order(StringComparer.Ordinal));
        Assert.DoesNotContain(results, r => r.Status == ReleaseStatus.Failed);
        Assert.Empty(BlockProblems(cluster.Server.Store));
        Assert.Empty(HandleCountProblems(cluster.Server.Store));
        return (State(cluster.Server.Store), outcomes, engine.Statistics);
    }

    /// <summary>Every IPAM object's name and spec (metadata such as resourceVersion differs between runs by design).</summary>
    private static string State(SandboxStore store) => string.Join("\n", new[] { "ipamblocks", "ipamhandles", "blockaffinities" }
        .SelectMany(plural => store.List(V1, plural).Select(o => plural + "/" + o["metadata"]!["name"] + " " + o["spec"]!.ToJsonString())));
}
