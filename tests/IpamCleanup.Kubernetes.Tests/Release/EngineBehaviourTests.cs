using System.Diagnostics;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using IpamCleanup.Kubernetes.Release;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>How the engine runs: streaming, isolation of failures, the request-rate cap, cancellation.</summary>
public sealed class EngineBehaviourTests
{
    private const string Spec = "nodes=3,pods=12,leakedPods=8,orphanHandles=2,seed=9";

    [Fact]
    public async Task Results_stream_through_the_channel_one_per_finding()
    {
        await using var cluster = await TestCluster.StartAsync(generate: Spec);
        using var client = await cluster.ConnectAsync();
        var plan = ReleasePlanner.Plan((await ScanAsync(client)).Where(f => f.Releasable), ReleasePlanner.AddressKinds);
        var engine = new ReleaseEngine(client, Options(throttle: 2));
        var results = new List<ReleaseResult>();

        await foreach (var result in engine.ExecuteAsync(plan.Items))
        {
            results.Add(result);
        }

        Assert.Equal(plan.FindingCount, results.Count);
        Assert.Equal(plan.Items.SelectMany(i => i.Findings).ToHashSet(), results.Select(r => r.Finding).ToHashSet());
        Assert.All(results, r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.Equal(results.Count, engine.Statistics.Released);
    }

    [Fact]
    public async Task A_failing_item_fails_only_its_own_findings()
    {
        await using var cluster = await TestCluster.StartAsync(generate: Spec);
        using var client = await cluster.ConnectAsync();
        var leaks = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.LeakedIp && f.Releasable).ToList();
        var broken = leaks[0].BlockName!;
        StoreEdits.SetSpec(cluster.Server.Store, "ipamblocks", broken, "allocations", new System.Text.Json.Nodes.JsonArray("not", "an", "index"));

        var results = await ReleaseAsync(client, leaks);

        Assert.All(results.Where(r => r.Finding.BlockName == broken), r =>
        {
            Assert.Equal(ReleaseStatus.Failed, r.Status);
            Assert.Equal(ReleaseErrorIds.ReleaseObjectInvalid, r.ErrorId);
        });
        Assert.All(results.Where(r => r.Finding.BlockName != broken), r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.Contains(results, r => r.Status == ReleaseStatus.Released);
    }

    [Fact]
    public async Task Api_errors_become_failed_results_with_the_clients_error_id()
    {
        await using var cluster = await TestCluster.StartAsync(generate: Spec);
        using var client = await cluster.ConnectAsync();
        var leaks = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.LeakedIp && f.Releasable).ToList();
        cluster.Server.Rbac = Sandbox.RbacPolicy.Parse("get *,list *");

        var results = await ReleaseAsync(client, leaks);

        Assert.All(results, r => Assert.Equal(KubeErrorIds.ApiServerForbidden, r.ErrorId));
        Assert.Equal(0, cluster.Server.Writes.Total);
    }

    [Fact]
    public async Task All_requests_of_a_run_share_one_rate_cap()
    {
        await using var cluster = await TestCluster.StartAsync(generate: Spec);
        using var client = await cluster.ConnectAsync();
        var leaks = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.LeakedIp && f.Releasable).ToList();
        var engine = new ReleaseEngine(client, new ReleaseOptions { ThrottleLimit = 4, MaxRequestsPerSecond = 100 });
        var before = cluster.Server.Writes.Requests;
        var watch = Stopwatch.StartNew();

        await engine.ReleaseAsync(leaks);

        watch.Stop();
        var requests = engine.Statistics.Requests;
        Assert.Equal(requests, cluster.Server.Writes.Requests - before);
        Assert.True(requests > 40, $"{requests} requests");

        // 100/s with a burst of 10: the run cannot be faster than (requests - burst) / 100 seconds.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds((requests - 10) / 100.0 * 0.9), $"{requests} requests in {watch.Elapsed}");
    }

    [Fact]
    public async Task Cancellation_stops_the_run_and_items_not_started_write_nothing()
    {
        await using var cluster = await TestCluster.StartAsync(generate: Spec);
        using var client = await cluster.ConnectAsync();
        var leaks = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.LeakedIp && f.Releasable).ToList();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        cluster.Server.Writes.Reset();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ReleaseEngine(client, Options()).ReleaseAsync(leaks, cancellationToken: cancelled.Token));

        Assert.Equal(0, cluster.Server.Writes.Requests);
    }

    public static TheoryData<ReleaseOptions> InvalidOptions() => new()
    {
        new ReleaseOptions { ThrottleLimit = 0 },
        new ReleaseOptions { MaxRequestsPerSecond = 0 },
        new ReleaseOptions { MaxRequestsPerSecond = double.NaN },
        new ReleaseOptions { MinimumAge = TimeSpan.FromSeconds(-1) },
        new ReleaseOptions { KeepBlocksPerNode = -1 },
        new ReleaseOptions { MaxConflictRetries = 0 },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Options_out_of_range_are_refused(ReleaseOptions options) =>
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
}
