using System.Diagnostics;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Release;
using IpamCleanup.Sandbox;
using Xunit.Abstractions;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>
/// Issue 5 test (a): a cleanup (scan, release, scan again, release again) while the simulated Calico CNI sets up
/// and tears down pods throughout, including pods the scan saw. Over 50 seeds: no address a live pod holds is
/// released, every block keeps the §1.3 invariants, handle counts match the blocks, and fields this module does not
/// know survive every write.
/// </summary>
public sealed class TmpLiveTrafficStress
{
    private readonly ITestOutputHelper _output;

    public TmpLiveTrafficStress(ITestOutputHelper output) => _output = output;

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        var n = int.Parse(Environment.GetEnvironmentVariable("STRESS_N") ?? "2000");
        var mod = int.Parse(Environment.GetEnvironmentVariable("STRESS_MOD") ?? "1000");
        var offset = int.Parse(Environment.GetEnvironmentVariable("STRESS_OFFSET") ?? "0");
        for (var i = 0; i < n; i++)
        {
            seeds.Add(i * 100000 + 1 + (offset + i) % mod);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Stress(int key)
    {
        var seed = key % 100000;
        var rate = double.Parse(Environment.GetEnvironmentVariable("STRESS_RATE") ?? "400");
        var audit = new HookAuditSink();
        var spec = $"nodes=3,pods=18,leakedPods=6,deletedNodes=1,orphanHandles=3,emptyBlocks=2,blockSize=27,seed={seed}";
        await using var cluster = await TestCluster.StartAsync(generate: spec);
        var store = cluster.Server.Store;
        MarkUnknownFields(store);
        using var client = await cluster.ConnectAsync();

        // The simulator must not share the generator's seed: the same random sequence would give its pods the
        // container IDs (and so the handles) of generated pods.
        var cni = cluster.Server.StartCni(new CniSimulatorOptions { RatePerSecond = rate, Workers = 3, Seed = seed + 100_000 });
        var results = new List<ReleaseResult>();
        try
        {
            // The cleanup starts only once the simulator is busy, so the scan already races with it.
            var started = Stopwatch.StartNew();
            while (cni.Adds + cni.Deletes < 6 && started.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(5);
            }

            // Pass 1 as an operator runs it; pass 2 with no minimum age, so the simulator's own pods (set up and torn
            // down right now) are candidates too and only the live re-checks stand between them and a release.
            // Orphan handles stay out of pass 2: a CNI ADD creates its handle before its block write, and only the
            // minimum age protects that window (calico-ipam.md F4).
            foreach (var minimumAge in new[] { TimeSpan.FromMinutes(15), TimeSpan.Zero })
            {
                var findings = (await ScanAsync(client, minimumAge))
                    .Where(f => f.Releasable && (minimumAge > TimeSpan.Zero || f.Kind != FindingKind.OrphanHandle))
                    .ToList();

                // Let the CNI move on from what the scan saw before anything is written.
                await Task.Delay(10 + (seed % 4 * 10));
                results.AddRange(await ReleaseAsync(client, findings, Options(minimumAge, throttle: 4, audit: audit)));
                Assert.Empty(cni.Violations);
            }
        }
        finally
        {
            cluster.Server.StopCni();
        }

        // A last pass on the quiet cluster converges what the races left (for example a block skipped as changed).
        results.AddRange(await ReleaseAsync(client, (await ScanAsync(client)).Where(f => f.Releasable), Options(audit: audit)));

        _output.WriteLine($"seed {seed}: CNI {cni.Adds} ADDs, {cni.Deletes} DELs, {cni.Conflicts} conflicts; " +
            string.Join(", ", results.GroupBy(r => r.Status + (r.Reason is { } reason ? "/" + reason : string.Empty)).OrderBy(g => g.Key).Select(g => g.Key + " " + g.Count())) +
            $"; simulator pods released after their DEL began: {results.Count(r => r.Status == ReleaseStatus.Released && r.Finding.Pod?.StartsWith("cni-sim", StringComparison.Ordinal) == true)}");
        Assert.True(cni.Adds + cni.Deletes >= 6, $"the CNI simulator hardly ran ({cni.Adds} ADDs, {cni.Deletes} DELs)");
        Assert.Empty(cni.Violations);
        Assert.Empty(cni.VerifyLive());
        Assert.Empty(LiveAddressesNotAllocated(store));
        Assert.DoesNotContain(results, r => r.Status == ReleaseStatus.Failed);
        Assert.Contains(results, r => r.Status == ReleaseStatus.Released);
        Assert.Empty(BlockProblems(store));
        var handleProblems = HandleCountProblems(store);
        if (handleProblems.Count > 0)
        {
            var dump = string.Join("\n", audit.Records.Select(r => $"AUDIT {r.Time:HH:mm:ss.fffffff} {r.ObjectKind} {r.ObjectName} {r.Action} {r.Result} rv {r.ResourceVersionBefore}->{r.ResourceVersionAfter} {r.Message}"));
            System.IO.File.AppendAllText("/tmp/stress-failures.txt", $"==== seed {seed} rate {rate}\n" + string.Join("\n", handleProblems) + "\nCNI errors " + cni.Errors + " last " + cni.LastError + "\n" + dump + "\nRESULTS\n" + string.Join("\n", results.Select(r => $"{r.Status} {r.Reason} {r.Finding.Kind} {r.Finding.IP} {r.Finding.Handle} {r.Message} {string.Join(";", r.Warnings)}")) + "\n");
        }
        Assert.True(handleProblems.Count == 0, string.Join("\n", handleProblems) + "\n" + string.Join("\n", results.Select(r => $"{r.Status} {r.Reason} {r.Finding.Kind} {r.Finding.IP} {r.Finding.Handle} {r.Message} {string.Join(";", r.Warnings)}")));
        Assert.Empty(LostUnknownFields(store));
    }

    /// <summary>Running pods whose Calico annotation names an address that no block allocates to that pod.</summary>
    private static List<string> LiveAddressesNotAllocated(SandboxStore store)
    {
        var blocks = store.List(V1, "ipamblocks").Select(b => (Cidr: IpNet.Parse((string)b["spec"]!["cidr"]!), Spec: b["spec"]!)).ToList();
        var lost = new List<string>();
        foreach (var pod in store.List("v1", "pods"))
        {
            var metadata = pod["metadata"]!;
            var podIps = (string?)metadata["annotations"]?["cni.projectcalico.org/podIPs"];
            if (metadata["deletionTimestamp"] is not null || string.IsNullOrEmpty(podIps))
            {
                continue;
            }

            foreach (var text in podIps.Split(','))
            {
                var address = IpNet.TryParseAddress(text.Split('/')[0], out var parsed) ? parsed : throw new FormatException(text);
                var holder = blocks.FirstOrDefault(b => b.Cidr.Contains(address));
                var owner = holder.Spec is null || !holder.Cidr.TryGetIntOrdinal(address, out var ordinal) || holder.Spec["allocations"]![ordinal] is not { } index
                    ? null
                    : holder.Spec["attributes"]![(int)index]!["secondary"];
                if ((string?)owner?["pod"] != (string?)metadata["name"] || (string?)owner?["namespace"] != (string?)metadata["namespace"])
                {
                    lost.Add($"{metadata["namespace"]}/{metadata["name"]} holds {text}, which is {(owner is null ? "not allocated" : "allocated to " + owner["namespace"] + "/" + owner["pod"])}");
                }
            }
        }

        return lost;
    }

    /// <summary>Writes a field nobody knows into every Calico IPAM object, as a newer Calico might.</summary>
    private static void MarkUnknownFields(SandboxStore store)
    {
        foreach (var plural in new[] { "ipamblocks", "ipamhandles", "blockaffinities" })
        {
            foreach (var obj in store.List(V1, plural))
            {
                obj["spec"]![IpamSeed.UnknownField] = new JsonObject { ["keep"] = "me", ["n"] = 42 };
                var metadata = obj["metadata"]!.AsObject();
                var annotations = metadata["annotations"] as JsonObject ?? new JsonObject();
                annotations["example.com/" + IpamSeed.UnknownField] = "kept";
                metadata["annotations"] = annotations;
                store.Upsert(obj);
            }
        }
    }
}
