using System.Diagnostics;
using IpamCleanup.Core.Snapshot;
using IpamCleanup.Kubernetes;
using k8s;

namespace IpamCleanup.Bench;

/// <summary>Snapshot read measurements: the floor, our read, its memory, and KubernetesClient's typed pod list.</summary>
internal static class ReadScenarios
{
    public static IEnumerable<Scenario> All()
    {
        yield return new Scenario("read", ["read"], "floor (bare HttpClient + Utf8JsonReader skim of the same pages) vs ReadSnapshotAsync, interleaved", ReadAsync);
        yield return new Scenario("memory", ["read"], "managed memory held by the snapshot", MemoryAsync);
        yield return new Scenario("typed-pods", ["read"], "KubernetesClient CoreV1.ListPodForAllNamespacesAsync vs our pod list", TypedPodsAsync);
        yield return new Scenario("export", ["export"], "ExportSnapshotAsync to a kubectl List file", ExportAsync);
    }

    private static async Task ReadAsync(BenchContext context)
    {
        using var client = await context.ConnectAsync();
        var singletons = new[] { CalicoKind.ClusterInformation, CalicoKind.IpamConfig, CalicoKind.KubeControllersConfiguration }
            .Select(k => client.Resources[k].ObjectPath(CalicoResources.SingletonName)).ToList();
        var lists = new List<string>();
        if (client.MigrationApiServed)
        {
            lists.Add(KubeResource.DatastoreMigrations.CollectionPath());
        }

        lists.AddRange(new[] { CalicoKind.IpPool, CalicoKind.IpamHandle, CalicoKind.IpamBlock, CalicoKind.BlockAffinity }.Select(k => client.Resources[k].CollectionPath()));
        lists.AddRange(new[] { KubeResource.Pods, KubeResource.Nodes, KubeResource.Services }.Select(r => r.CollectionPath()));
        using var floor = new FloorReader(context.Server.BaseUri, context.Server.Token, context.Options.PageSize);

        long items = 0;
        ClusterSnapshot? snapshot = null;
        var before = client.RequestCount;
        var timings = await Measurement.CompareAsync(
            context.Options.Warmups,
            context.Options.Runs,
            async () => items = await floor.ReadAsync(singletons, lists),
            async () => snapshot = await client.ReadSnapshotAsync());
        var (floorTime, ours) = (timings[0], timings[1]);
        var requestsPerRead = (client.RequestCount - before) / (context.Options.Runs + context.Options.Warmups);
        context.Times["floor"] = floorTime.Wall;
        context.Times["read"] = ours.Wall;
        context.Add("(a) Floor: same pages, bare HttpClient + Utf8JsonReader skim", Measurement.Seconds(floorTime.Wall), "",
            $"{items:N0} objects, limit {context.Options.PageSize}, sequential; {Measurement.Seconds(floorTime.Cpu)} CPU");
        context.Add("(b) ReadSnapshotAsync", Measurement.Seconds(ours.Wall), "",
            $"{snapshot!.Pods.Count:N0} pods, {snapshot.Nodes.Count:N0} nodes, {snapshot.Blocks.Count:N0} blocks, {snapshot.Handles.Count:N0} handles, " +
            $"{snapshot.Affinities.Count:N0} affinities; {requestsPerRead} requests; {Measurement.Seconds(ours.Cpu)} CPU");
        var ratio = ours.Wall / floorTime.Wall;
        context.Add("(b) ReadSnapshotAsync / floor (wall)", Measurement.Ratio(ratio), "≤ 1.50×", ratio <= 1.5 ? "met" : "MISSED");
        context.Add("(b) ReadSnapshotAsync / floor (process CPU, sandbox included)", Measurement.Ratio(ours.Cpu / floorTime.Cpu), "", "work done, independent of overlap and machine load");
    }

    private static async Task MemoryAsync(BenchContext context)
    {
        using var client = await context.ConnectAsync();
        await WarmUpAsync(client);

        // The last completed async chain stays referenced until the next await completes; this one releases the
        // warm-up snapshot so that "before" does not hold it.
        await Task.Delay(50);
        Measurement.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var pauseBefore = GC.GetTotalPauseDuration();
        var gen2Before = GC.CollectionCount(2);
        var sampler = new HeapSampler();
        var holder = new ClusterSnapshot?[] { await client.ReadSnapshotAsync() };
        var (peakHeap, peakGcHeap) = sampler.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        var gen2 = GC.CollectionCount(2) - gen2Before;
        Measurement.Collect();
        var alive = GC.GetTotalMemory(forceFullCollection: true);
        var pods = holder[0]!.Pods.Count;
        holder[0] = null;
        await Task.Delay(50);
        Measurement.Collect();
        var released = GC.GetTotalMemory(forceFullCollection: true);
        var held = alive - before;
        context.Add("(c) Managed memory held by the snapshot", Measurement.Megabytes(held), "< 600 MB",
            (held < 600L * 1024 * 1024 ? "met" : "MISSED") + $"; GetTotalMemory(true) after minus before; dropping the snapshot frees {Measurement.Megabytes(alive - released)}; {(double)(alive - released) / pods:0} B per pod");
        context.Add("(c) Allocated during one read", Measurement.Megabytes(allocated), "", $"{gen2} gen2 GCs, {pause.TotalMilliseconds:0} ms GC pause");
        context.Add("(c) Managed heap peak during the read (whole process, incl. the in-process sandbox)", Measurement.Megabytes(peakHeap), "",
            $"GCMemoryInfo heap-before-GC peak {Measurement.Megabytes(peakGcHeap)}; heap before the read {Measurement.Megabytes(before)}; process peak working set {Measurement.Megabytes(Process.GetCurrentProcess().PeakWorkingSet64)}");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task WarmUpAsync(CalicoClient client) => GC.KeepAlive((await client.ReadSnapshotAsync()).Pods.Count);

    private static async Task TypedPodsAsync(BenchContext context)
    {
        using var client = await context.ConnectAsync();
        var pageSize = context.Options.PageSize;
        long ours = 0;
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(context.KubeconfigPath);
        using var kubernetes = new k8s.Kubernetes(configuration);
        long typed = 0;
        var timings = await Measurement.CompareAsync(context.Options.Warmups, context.Options.Runs, async () =>
        {
            var builder = new ClusterSnapshotBuilder(client.Resources.ApiVersion, DateTimeOffset.UtcNow);
            ours = await client.ListAsync(KubeResource.Pods, builder.AddPod);
            GC.KeepAlive(builder.Build());
        }, async () =>
        {
            typed = 0;
            string? continueToken = null;
            do
            {
                var page = await kubernetes.CoreV1.ListPodForAllNamespacesAsync(continueParameter: continueToken, limit: pageSize);
                typed += page.Items.Count;
                continueToken = page.Metadata.ContinueProperty;
            }
            while (!string.IsNullOrEmpty(continueToken));
        });
        var (ourTime, typedTime) = (timings[0], timings[1]);

        context.Add("(d) Our pod list into slim records (public ListAsync + builder.AddPod, one page parsed ahead)", Measurement.Seconds(ourTime.Wall), "", $"{ours:N0} pods; {Measurement.Seconds(ourTime.Cpu)} CPU");
        context.Add("(d) KubernetesClient CoreV1.ListPodForAllNamespacesAsync (typed V1Pod)", Measurement.Seconds(typedTime.Wall), "", $"{typed:N0} pods, limit/continue {pageSize}; {Measurement.Seconds(typedTime.Cpu)} CPU");
        context.Add("(d) Typed list / ours", Measurement.Ratio(typedTime.Wall / ourTime.Wall), "", $"CPU {Measurement.Ratio(typedTime.Cpu / ourTime.Cpu)}");
    }

    private static async Task ExportAsync(BenchContext context)
    {
        using var client = await context.ConnectAsync();
        var path = Path.Combine(Path.GetTempPath(), $"ipamcleanup-bench-{Environment.ProcessId}.json");
        SnapshotExportSummary? summary = null;
        try
        {
            var time = await Measurement.MedianAsync(context.Options.Warmups, context.Options.Runs, async () => summary = await client.ExportSnapshotAsync(path));
            context.Add("ExportSnapshotAsync (kubectl List file)", Measurement.Seconds(time.Wall), "", $"{summary!.ItemCount:N0} objects, {Measurement.Megabytes(summary.Bytes)}; {Measurement.Seconds(time.Cpu)} CPU");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
