using System.Diagnostics;
using System.Globalization;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using IpamCleanup.Kubernetes.Release;
using Xunit.Abstractions;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>
/// The issue's performance claim, as an opt-in measurement (it takes a few minutes; set IPAMCLEANUP_BENCH=1):
/// releasing 10,000 leaked addresses spread over 2,000 blocks with 2 ms of latency on every request writes each
/// block once and each handle once, and runs at least 3x faster with ThrottleLimit 4 than with 1.
/// </summary>
public sealed class ReleaseBenchmark
{
    private const int Blocks = 2_000;
    private const int AddressesPerBlock = 5;
    private const int BlocksPerNode = 10;

    private readonly ITestOutputHelper _output;

    public ReleaseBenchmark(ITestOutputHelper output) => _output = output;

    [BenchmarkFact]
    public async Task Releasing_10000_ips_in_2000_blocks_scales_with_the_throttle_and_writes_once_per_block_and_handle()
    {
        var serial = await MeasureAsync(throttle: 1);
        var parallel = await MeasureAsync(throttle: 4);

        var speedup = serial.Elapsed / parallel.Elapsed;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"speedup ThrottleLimit 4 vs 1: {speedup:0.00}x"));
        Assert.True(speedup >= 3, string.Create(CultureInfo.InvariantCulture, $"only {speedup:0.00}x faster"));
    }

    private async Task<(TimeSpan Elapsed, long Requests)> MeasureAsync(int throttle)
    {
        await using var cluster = await StartAsync(Scenario());
        using var client = await cluster.ConnectAsync();
        var leaks = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.LeakedIp && f.Releasable).ToList();
        Assert.Equal(Blocks * AddressesPerBlock, leaks.Count);
        cluster.Server.Writes.Reset();
        cluster.Server.Faults.LatencyMs = 2;
        var engine = new ReleaseEngine(client, new ReleaseOptions { ThrottleLimit = throttle, MaxRequestsPerSecond = double.PositiveInfinity });

        var watch = Stopwatch.StartNew();
        var results = await engine.ReleaseAsync(leaks);
        watch.Stop();

        Assert.All(results, r => Assert.Equal(ReleaseStatus.Released, r.Status));
        var writes = cluster.Server.Writes;
        var statistics = engine.Statistics;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ThrottleLimit {throttle}: {watch.Elapsed.TotalSeconds:0.0} s, {statistics.Requests} requests ({statistics.Requests / watch.Elapsed.TotalSeconds:0} /s), " +
            $"writes {statistics.Writes} ({statistics.BlockWrites} block + {statistics.HandleWrites} handle), {statistics.Conflicts} conflicts; " +
            $"sandbox applied: {string.Join(", ", writes.Snapshot().Select(w => w.Key + "=" + w.Value))}"));
        Assert.Equal(Blocks, writes.Count("update", "ipamblocks"));
        Assert.Equal(Blocks * AddressesPerBlock, writes.Count("update", "ipamhandles"));
        Assert.True(statistics.Writes <= Blocks + (Blocks * AddressesPerBlock) + statistics.Conflicts);
        return (watch.Elapsed, statistics.Requests);
    }

    /// <summary>200 live nodes with 10 blocks each; every block holds 5 addresses of pods that no longer exist.</summary>
    private static IpamSeed Scenario()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/8");
        for (var b = 0; b < Blocks; b++)
        {
            var node = "node-" + (b / BlocksPerNode).ToString("D3", CultureInfo.InvariantCulture);
            if (b % BlocksPerNode == 0)
            {
                seed.Node(node);
            }

            var cidr = string.Create(CultureInfo.InvariantCulture, $"10.{b / 4 / 256}.{b / 4 % 256}.{b % 4 * 64}/26");
            var block = seed.Block(cidr, "host:" + node);
            for (var i = 0; i < AddressesPerBlock; i++)
            {
                var pod = string.Create(CultureInfo.InvariantCulture, $"gone-{b}-{i}");
                block.Pod(i + 1, "default", pod, node, "k8s-pod-network." + pod);
            }

            block.Done().Affinity(node, cidr);
        }

        return seed.HandlesForAllocations();
    }
}
