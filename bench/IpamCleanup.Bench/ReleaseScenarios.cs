using System.Diagnostics;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using IpamCleanup.Kubernetes;
using IpamCleanup.Kubernetes.Release;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Bench;

/// <summary>
/// Release throughput: leaked addresses released by <see cref="ReleaseEngine"/> against a sandbox with injected
/// latency, once with the default throttle and once with <c>ThrottleLimit 1</c>, each on its own freshly generated
/// sandbox (a new server and store per run, so nothing carries over from one run to the next).
/// </summary>
internal static class ReleaseScenarios
{
    private const int LatencyMs = 2;

    public static IEnumerable<Scenario> All()
    {
        yield return new Scenario("release", ["release"], $"ReleaseEngine on leaked IPs with {LatencyMs} ms latency per request: ThrottleLimit 4 (default) vs 1, each from a fresh sandbox", ReleaseAsync);
    }

    /// <summary>
    /// Generator settings found by searching the node count (seed 7) until the leaked pods' allocations fall into
    /// exactly the wanted number of blocks: leaked pods are placed on random live nodes and into a random one of the
    /// node's 1–4 blocks, so the blocks hit depend on the node count.
    /// </summary>
    private static (string Spec, int Leaks, int Blocks) Workload(bool quick) => quick
        ? ("nodes=85,pods=2000,seed=7,leakedPods=1000", 1000, 200)
        : ("nodes=865,pods=20000,seed=7,leakedPods=10000", 10_000, 2000);

    private static async Task ReleaseAsync(BenchContext context)
    {
        var (spec, leaks, blocks) = Workload(context.Options.Quick);

        // JIT warm-up of the whole path (read, analyse, release) on a small cluster; not measured.
        Console.Error.WriteLine("    warm-up release (nodes=10,pods=100,leakedPods=50)");
        await RunOnceAsync(context, "nodes=10,pods=100,seed=3,leakedPods=50", 4);

        var parallel = await RunOnceAsync(context, spec, 4);
        var serial = await RunOnceAsync(context, spec, 1);
        var speedup = serial.Wall / parallel.Wall;

        context.Add("(g) Release workload", $"{parallel.Leaks:N0} leaked IPs in {parallel.Blocks:N0} blocks", $"{leaks:N0} in {blocks:N0}",
            $"generator `{spec}` (a fresh sandbox per run); {parallel.Handles:N0} handles; findings from ReadSnapshotAsync + LeakAnalyzer.Analyze, all LeakedIp and releasable; " +
            $"{LatencyMs} ms latency on every API request (Faults.LatencyMs); MaxRequestsPerSecond = ∞ (no cap, so the rate limiter is never the limit)");
        foreach (var run in new[] { parallel, serial })
        {
            var label = run.Throttle == 4 ? "ThrottleLimit 4 (default)" : "ThrottleLimit 1";
            context.Add($"(g) Release, {label}", Measurement.Seconds(run.Wall), "",
                $"{run.Released:N0} released, {run.Skipped} skipped, {run.Failed} failed; {run.EngineRequests:N0} requests sent by the engine ({run.SandboxRequests:N0} at the sandbox), " +
                $"{run.EngineRequests / run.Wall.TotalSeconds:N0} requests/s; {Measurement.Seconds(run.Cpu)} CPU");
            var sum = run.Blocks + run.Handles + run.Conflicts;
            context.Add($"(g) Writes, {label}: sandbox total (every applied create/update/patch/delete)", $"{run.SandboxWrites:N0}", $"≤ {sum:N0}",
                (run.SandboxWrites <= sum ? "met" : "MISSED") +
                $"; {run.Blocks:N0} blocks + {run.Handles:N0} handles touched + {run.Conflicts} conflict retries = {sum:N0}; by verb: {run.WritesByVerb}");
            context.Add($"(g) Writes, {label}: object writes (PUTs; a soft delete's follow-up DELETE not counted)", $"{run.SandboxPuts:N0}", $"≤ {sum:N0}",
                (run.SandboxPuts <= sum ? "met" : "MISSED") +
                $"; engine Statistics: {run.BlockWrites:N0} block + {run.HandleWrites:N0} handle + {run.AffinityWrites} affinity writes, {run.Conflicts} conflicts; " +
                $"plus {run.SandboxDeletes:N0} DELETEs that complete the soft deletes of emptied handles (calico-ipam.md §1.12)");
            context.Add($"(g) All leaks released, {label}", run.Verified ? "yes" : "NO", "all", run.Verification);
        }

        context.Add("(g) Release speedup, ThrottleLimit 4 vs 1 (wall)", Measurement.Ratio(speedup), "≥ 3.00×", speedup >= 3 ? "met" : "MISSED");
    }

    private static async Task<ReleaseMeasurement> RunOnceAsync(BenchContext context, string spec, int throttle)
    {
        var setup = Stopwatch.StartNew();
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Layout = ApiLayout.V1, GenerateSpec = spec });
        var kubeconfig = server.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"ipamcleanup-bench-release-{Environment.ProcessId}.kubeconfig"));
        try
        {
            using var client = await CalicoClient.ConnectAsync(new KubeConnectionOptions
            {
                KubeConfigPath = kubeconfig,
                PageSize = context.Options.PageSize,
                RequestTimeout = TimeSpan.FromMinutes(2),
            });
            var truth = server.Truth!;
            var before = LeakAnalyzer.Analyze(await client.ReadSnapshotAsync(), new AnalysisOptions { Now = DateTimeOffset.UtcNow });
            var findings = before.Findings.Where(f => f.Kind == FindingKind.LeakedIp && f.Releasable).ToList();
            var blocks = findings.Select(f => f.Block).Distinct(StringComparer.Ordinal).Count();
            var handles = findings.Select(f => f.Handle).Distinct(StringComparer.Ordinal).Count();
            if (findings.Count != truth.LeakedPodAllocations.Count)
            {
                throw new InvalidOperationException($"The analysis found {findings.Count} releasable leaked IPs, the generator injected {truth.LeakedPodAllocations.Count}.");
            }

            Console.Error.WriteLine($"    ThrottleLimit {throttle}: {findings.Count:N0} leaked IPs in {blocks:N0} blocks, {handles:N0} handles (sandbox ready in {setup.Elapsed.TotalSeconds:0.0} s)");

            // Count only the release: reset the counters after the scan, then add the latency.
            Measurement.Collect();
            server.Writes.Reset();
            server.Faults.LatencyMs = LatencyMs;
            var engine = new ReleaseEngine(client, new ReleaseOptions { ThrottleLimit = throttle, MaxRequestsPerSecond = double.PositiveInfinity });
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            var results = await engine.ReleaseAsync(findings);
            var wall = stopwatch.Elapsed;
            process.Refresh();
            cpu = process.TotalProcessorTime - cpu;
            server.Faults.LatencyMs = 0;
            var writes = server.Writes.Snapshot();
            var sandboxRequests = server.Writes.Requests;
            var statistics = engine.Statistics;
            Console.Error.WriteLine($"    ThrottleLimit {throttle}: {Measurement.Seconds(wall)} wall, {Measurement.Seconds(cpu)} CPU; {statistics}");

            // Verify against the store: no leaked address is still allocated, no leaked handle still exists.
            var afterSnapshot = await client.ReadSnapshotAsync();
            var after = LeakAnalyzer.Analyze(afterSnapshot, new AnalysisOptions { Now = DateTimeOffset.UtcNow });
            var allocated = after.Allocations.Select(a => a.IP).ToHashSet(StringComparer.Ordinal);
            var stillAllocated = truth.LeakedPodAllocations.Count(a => allocated.Contains(a.Ip));
            var afterSnapshotHandles = afterSnapshot.Handles.Select(h => h.HandleId).ToHashSet(StringComparer.Ordinal);
            var handlesLeft = truth.LeakedPodAllocations.Count(a => afterSnapshotHandles.Contains(a.HandleId));
            var leakedLeft = after.Findings.Count(f => f.Kind is FindingKind.LeakedIp or FindingKind.MissingHandle or FindingKind.OrphanHandle or FindingKind.PartialHandle);
            var released = results.Count(r => r.Status == ReleaseStatus.Released);
            var withWarnings = results.Count(r => r.Warnings.Count > 0);
            var verified = released == findings.Count && stillAllocated == 0 && handlesLeft == 0 && leakedLeft == 0 &&
                           after.Allocations.Count == before.Allocations.Count - findings.Count;
            var verification = $"{released:N0}/{findings.Count:N0} results Released ({withWarnings} with warnings); re-read afterwards: {stillAllocated} of the leaked IPs still allocated, " +
                               $"{handlesLeft} of their handles left, {leakedLeft} LeakedIp/handle findings, allocations {before.Allocations.Count:N0} → {after.Allocations.Count:N0}";

            static long Sum(IReadOnlyDictionary<string, long> counts, string verb) => counts.Where(c => c.Key.StartsWith(verb + " ", StringComparison.Ordinal)).Sum(c => c.Value);
            return new ReleaseMeasurement(
                throttle,
                wall,
                cpu,
                findings.Count,
                blocks,
                handles,
                released,
                results.Count(r => r.Status == ReleaseStatus.Skipped),
                results.Count(r => r.Status == ReleaseStatus.Failed),
                statistics.Requests,
                sandboxRequests,
                writes.Values.Sum(),
                Sum(writes, "update") + Sum(writes, "create") + Sum(writes, "patch"),
                Sum(writes, "delete"),
                string.Join(", ", writes.Select(w => $"{w.Key} {w.Value:N0}")),
                statistics.BlockWrites,
                statistics.HandleWrites,
                statistics.AffinityWrites,
                statistics.Conflicts,
                verified,
                verification);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    private sealed record ReleaseMeasurement(
        int Throttle,
        TimeSpan Wall,
        TimeSpan Cpu,
        int Leaks,
        int Blocks,
        int Handles,
        int Released,
        int Skipped,
        int Failed,
        long EngineRequests,
        long SandboxRequests,
        long SandboxWrites,
        long SandboxPuts,
        long SandboxDeletes,
        string WritesByVerb,
        long BlockWrites,
        long HandleWrites,
        long AffinityWrites,
        long Conflicts,
        bool Verified,
        string Verification);
}
