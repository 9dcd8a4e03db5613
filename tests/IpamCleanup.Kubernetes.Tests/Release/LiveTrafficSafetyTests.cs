using System.Diagnostics;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Release;
using IpamCleanup.Kubernetes.Release;
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
public sealed class LiveTrafficSafetyTests
{
    private readonly ITestOutputHelper _output;

    public LiveTrafficSafetyTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 1; seed <= 50; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public Task Cleanup_under_live_cni_traffic_never_releases_a_live_address(int seed) => CleanupUnderLiveTrafficAsync(seed, null);

    /// <summary>The same with v3.33 cooldown release (released addresses stay as releasedAt entries), over 10 seeds.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public Task Cooldown_cleanup_under_live_cni_traffic_never_releases_a_live_address(int seed) => CleanupUnderLiveTrafficAsync(seed, 600);

    private async Task CleanupUnderLiveTrafficAsync(int seed, int? cooldownSeconds)
    {
        var spec = $"nodes=3,pods=18,leakedPods=6,deletedNodes=1,orphanHandles=3,emptyBlocks=2,blockSize=27,seed={seed}";
        await using var cluster = await TestCluster.StartAsync(generate: spec);
        var store = cluster.Server.Store;
        MarkUnknownFields(store);
        using var client = await cluster.ConnectAsync();

        // The simulator must not share the generator's seed: the same random sequence would give its pods the
        // container IDs (and so the handles) of generated pods.
        var cni = cluster.Server.StartCni(new CniSimulatorOptions { RatePerSecond = 400, Workers = 3, Seed = seed + 100_000 });
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
                results.AddRange(await ReleaseAsync(client, findings, Options(minimumAge, throttle: 4, cooldownSeconds: cooldownSeconds)));
                Assert.Empty(cni.Violations);
            }
        }
        finally
        {
            cluster.Server.StopCni();
        }

        // A last pass on the quiet cluster converges what the races left (for example a block skipped as changed).
        results.AddRange(await ReleaseAsync(client, (await ScanAsync(client)).Where(f => f.Releasable), Options(cooldownSeconds: cooldownSeconds)));

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
        Assert.True(handleProblems.Count == 0, string.Join("\n", handleProblems) + "\n" + string.Join("\n", results.Select(r => $"{r.Status} {r.Reason} {r.Finding.Kind} {r.Finding.IP} {r.Finding.Handle} {r.Message} {string.Join(";", r.Warnings)}")));
        Assert.Empty(LostUnknownFields(store));
        if (cooldownSeconds is not null)
        {
            // Every address released in cooldown mode is still held, by a handle-less releasedAt entry: none was reused.
            Assert.Empty(ReleasedButNotCoolingDown(store, results));
        }
    }

    private static List<string> ReleasedButNotCoolingDown(SandboxStore store, IEnumerable<ReleaseResult> results)
    {
        var blocks = BlockSpecs(store);
        var wrong = new List<string>();
        foreach (var result in results.Where(r => r.Status == ReleaseStatus.Released && r.Finding.Kind is FindingKind.LeakedIp or FindingKind.LeakedTunnelIp))
        {
            var entry = AttributeAt(blocks, result.Finding.IP!);
            if (entry?["releasedAt"] is null || entry["handle_id"] is not null)
            {
                wrong.Add($"{result.Finding.IP} was released but is {(entry is null ? "free" : "allocated: " + entry.ToJsonString())}");
            }
        }

        return wrong;
    }

    /// <summary>
    /// The race behind a rare failure of the theory above: a CNI ADD has incremented its handle and edited its copy of
    /// an empty block when the cleanup deletes that block (soft-delete PUT and DELETE, both between the ADD's read and
    /// its write). The ADD's write then finds no block; as libcalico does on any failed block update, it must take its
    /// handle increment back (and try another block), or the handle counts an address no block holds.
    /// </summary>
    [Fact]
    public async Task An_ADD_whose_block_is_deleted_before_its_write_takes_its_handle_increment_back()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16").Node("n1")
            .Block("10.0.0.0/26", "host:n1").Pod(1, "default", "p1", "n1", "k8s-pod-network.p1").Done()
            .Pod("default", "p1", "n1", "10.0.0.1")
            .Block("10.0.0.64/26", "host:n1").Done()
            .Affinity("n1", "10.0.0.0/26")
            .Affinity("n1", "10.0.0.64/26")
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        var store = cluster.Server.Store;
        using var client = await cluster.ConnectAsync();
        var empty = Single(await ScanAsync(client), FindingKind.EmptyBlock, "10.0.0.64/26");
        Assert.True(empty.Releasable);

        IReadOnlyList<ReleaseResult>? cleanup = null;
        using var cni = new CniSimulator(store, new CniSimulatorOptions
        {
            Seed = 1,
            BeforeAllocationWrite = block =>
            {
                if (block == "10-0-0-64-26" && cleanup is null)
                {
                    cleanup = Task.Run(() => ReleaseAsync(client, new[] { empty })).GetAwaiter().GetResult();
                }
            },
        });

        // The ADD picks the node's blocks in random order: repeat until one of them tried the empty block first.
        var errors = new List<string>();
        var allocations = new List<CniAllocation>();
        for (var attempt = 0; attempt < 50 && cleanup is null; attempt++)
        {
            try
            {
                if (cni.AddPod("n1") is { } allocation)
                {
                    allocations.Add(allocation);
                }
            }
            catch (SandboxApiException e)
            {
                // The simulator's workers swallow this and go on, as the live test's simulator did.
                errors.Add(e.Message);
            }
        }

        Assert.NotNull(cleanup);
        Assert.Equal(ReleaseStatus.Released, Assert.Single(cleanup).Status);
        Assert.Null(Block(cluster, "10-0-0-64-26"));
        var handleProblems = HandleCountProblems(store);
        Assert.True(handleProblems.Count == 0, string.Join("\n", handleProblems.Append("ADD errors: " + string.Join("; ", errors))));
        Assert.Empty(BlockProblems(store));
        Assert.Empty(errors);
        Assert.Equal("10-0-0-0-26", allocations[^1].BlockName);
        Assert.Empty(cni.VerifyLive());
    }

    /// <summary>Running pods whose Calico annotation names an address that no block allocates to that pod.</summary>
    private static List<string> LiveAddressesNotAllocated(SandboxStore store)
    {
        var blocks = BlockSpecs(store);
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
                var owner = AttributeAt(blocks, text.Split('/')[0])?["secondary"];
                if ((string?)owner?["pod"] != (string?)metadata["name"] || (string?)owner?["namespace"] != (string?)metadata["namespace"])
                {
                    lost.Add($"{metadata["namespace"]}/{metadata["name"]} holds {text}, which is {(owner is null ? "not allocated" : "allocated to " + owner["namespace"] + "/" + owner["pod"])}");
                }
            }
        }

        return lost;
    }

    private static List<(IpNet Cidr, JsonNode Spec)> BlockSpecs(SandboxStore store) =>
        store.List(V1, "ipamblocks").Select(b => (IpNet.Parse((string)b["spec"]!["cidr"]!), b["spec"]!)).ToList();

    /// <summary>The attribute the block holding <paramref name="ip"/> allocates it to; null when no block allocates it.</summary>
    private static JsonNode? AttributeAt(List<(IpNet Cidr, JsonNode Spec)> blocks, string ip)
    {
        var address = IpNet.TryParseAddress(ip, out var parsed) ? parsed : throw new FormatException(ip);
        var holder = blocks.FirstOrDefault(b => b.Cidr.Contains(address));
        return holder.Spec is null || !holder.Cidr.TryGetIntOrdinal(address, out var ordinal) || holder.Spec["allocations"]![ordinal] is not { } index
            ? null
            : holder.Spec["attributes"]![(int)index];
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
