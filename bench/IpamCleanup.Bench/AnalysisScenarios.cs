using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Bench;

/// <summary>Leak analysis measurements: the analysis of a loaded snapshot, and the whole live Get-CalicoIpamLeak path against the read alone.</summary>
internal static class AnalysisScenarios
{
    public static IEnumerable<Scenario> All()
    {
        yield return new Scenario("analyze", ["analyze"], "LeakAnalyzer.Analyze on the loaded snapshot (warm)", AnalyzeAsync);
        yield return new Scenario("leak", ["leak"], "ReadSnapshotAsync + LeakAnalyzer.Analyze (what Get-CalicoIpamLeak does) vs ReadSnapshotAsync alone, interleaved", LeakAsync);
    }

    /// <summary>The options Get-CalicoIpamLeak passes by default.</summary>
    private static AnalysisOptions Options() => new() { Now = DateTimeOffset.UtcNow };

    private static async Task AnalyzeAsync(BenchContext context)
    {
        ClusterSnapshot snapshot;
        using (var client = await context.ConnectAsync())
        {
            snapshot = await client.ReadSnapshotAsync();
        }

        AnalysisResult? result = null;
        long allocated = 0;
        var time = await Measurement.MedianAsync(context.Options.Warmups, context.Options.Runs, () =>
        {
            result = null;
            var before = GC.GetAllocatedBytesForCurrentThread();
            result = LeakAnalyzer.Analyze(snapshot, Options());
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            return Task.CompletedTask;
        });
        context.Times["analyze"] = time.Wall;
        var releasable = result!.Findings.Count(f => f.Releasable);
        context.Add("(e) LeakAnalyzer.Analyze on the loaded snapshot", Measurement.Seconds(time.Wall), "< 2.00 s",
            (time.Wall < TimeSpan.FromSeconds(2) ? "met" : "MISSED") +
            $"; {snapshot.Pods.Count:N0} pods, {snapshot.Blocks.Count:N0} blocks, {result.Allocations.Count:N0} allocations, {snapshot.Handles.Count:N0} handles → " +
            $"{result.Findings.Count:N0} findings ({releasable:N0} releasable); {Measurement.Megabytes(allocated)} allocated per analysis; {Measurement.Seconds(time.Cpu)} CPU");
    }

    private static async Task LeakAsync(BenchContext context)
    {
        using var client = await context.ConnectAsync();
        var pods = 0;
        var findings = 0;
        // A ratio of two noisy times: at least five interleaved pairs, so one disturbed run does not decide the median.
        var runs = Math.Max(context.Options.Runs, 5);
        var timings = await Measurement.CompareAsync(
            context.Options.Warmups,
            runs,
            async () => pods = (await client.ReadSnapshotAsync()).Pods.Count,
            async () =>
            {
                // Exactly the cmdlet's sequence: read, then analyse with its default options.
                var snapshot = await client.ReadSnapshotAsync();
                findings = LeakAnalyzer.Analyze(snapshot, Options()).Findings.Count;
            });
        var (read, leak) = (timings[0], timings[1]);
        context.Times["leak"] = leak.Wall;
        context.Add("(f) ReadSnapshotAsync alone (measured with (f), interleaved)", Measurement.Seconds(read.Wall), "", $"{pods:N0} pods; {Measurement.Seconds(read.Cpu)} CPU; median of {runs} runs");
        context.Add("(f) Live Get-CalicoIpamLeak path: ReadSnapshotAsync + LeakAnalyzer.Analyze", Measurement.Seconds(leak.Wall), "", $"{findings:N0} findings; {Measurement.Seconds(leak.Cpu)} CPU");
        var ratio = leak.Wall / read.Wall;
        context.Add("(f) Get-CalicoIpamLeak / read alone (wall)", Measurement.Ratio(ratio), "≤ 1.30×",
            (ratio <= 1.3 ? "met" : "MISSED") + $"; CPU {Measurement.Ratio(leak.Cpu / read.Cpu)}");
    }
}
