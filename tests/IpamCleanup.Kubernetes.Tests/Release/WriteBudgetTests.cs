using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using IpamCleanup.Kubernetes.Release;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>Issue 5 test (e): planning alone writes nothing; releasing writes each block once and each handle once per block.</summary>
public sealed class WriteBudgetTests
{
    [Fact]
    public async Task Planning_and_describing_every_item_without_approving_any_writes_nothing()
    {
        await using var cluster = await TestCluster.StartAsync(generate: "nodes=4,pods=20,leakedPods=8,deletedNodes=1,orphanHandles=3,emptyBlocks=2,seed=3");
        using var client = await cluster.ConnectAsync();
        var findings = await ScanAsync(client);
        cluster.Server.Writes.Reset();

        // -WhatIf: every item is described (ShouldProcess answers no) and none is handed to the engine.
        var plan = ReleasePlanner.Plan(findings);
        var described = plan.Items.Select(i => $"{i.Target}: {i.Action}").ToList();
        var engine = new ReleaseEngine(client, Options());
        await foreach (var unexpected in engine.ExecuteAsync(Array.Empty<ReleaseWorkItem>()))
        {
            Assert.Fail("An empty plan produced " + unexpected);
        }

        Assert.True(plan.Items.Count >= 10, $"only {plan.Items.Count} items");
        Assert.Equal(plan.Items.Count, described.Distinct().Count());
        Assert.Equal(0, cluster.Server.Writes.AttemptedTotal);
        Assert.Equal(0, cluster.Server.Writes.Requests);
        Assert.Equal(0, engine.Statistics.Requests);
    }

    [Fact]
    public async Task Releasing_7_ips_in_3_blocks_with_5_handles_writes_each_block_once_and_each_handle_once_per_block()
    {
        // h3 holds an address in two blocks, so it is decremented once for the first block and deleted after the second.
        var seed = new IpamSeed().Pool("10.0.0.0/16").Node("n1")
            .Block("10.0.0.0/26", "host:n1").Pod(1, "default", "p1", "n1", "h1").Pod(2, "default", "p1", "n1", "h1").Pod(3, "default", "p2", "n1", "h2").Done()
            .Block("10.0.0.64/26", "host:n1").Pod(1, "default", "p3", "n1", "h3").Pod(2, "default", "p4", "n1", "h4").Done()
            .Block("10.0.0.128/26", "host:n1").Pod(1, "default", "p3", "n1", "h3").Pod(2, "default", "p5", "n1", "h5").Done()
            .Affinity("n1", "10.0.0.0/26").Affinity("n1", "10.0.0.64/26").Affinity("n1", "10.0.0.128/26")
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var leaks = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.LeakedIp).ToList();
        Assert.Equal(7, leaks.Count);
        cluster.Server.Writes.Reset();
        var engine = new ReleaseEngine(client, Options(throttle: 1));

        var results = await engine.ReleaseAsync(leaks);

        Assert.All(results, r => Assert.Equal(ReleaseStatus.Released, r.Status));
        var writes = cluster.Server.Writes.Snapshot();
        Assert.Equal(new Dictionary<string, long>
        {
            ["delete ipamhandles"] = 5,
            ["update ipamblocks"] = 3,
            ["update ipamhandles"] = 6,
        }, writes);
        Assert.Equal(3, engine.Statistics.BlockWrites);
        Assert.Equal(6, engine.Statistics.HandleWrites);
        Assert.Equal(9, engine.Statistics.Writes);
        Assert.Equal(0, engine.Statistics.Conflicts);
        Assert.Empty(cluster.Server.Store.List(V1, "ipamhandles"));
    }

    [Fact]
    public async Task Injected_conflicts_add_only_counted_retries_and_the_applied_writes_stay_one_per_block_and_handle()
    {
        await using var cluster = await TestCluster.StartAsync(generate: "nodes=3,pods=10,leakedPods=8,seed=5");
        using var client = await cluster.ConnectAsync();
        var leaks = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.LeakedIp && f.Releasable).ToList();
        var blocks = leaks.Select(f => f.Block).Distinct().Count();
        cluster.Server.Writes.Reset();
        cluster.Server.Faults.CopyFrom(new Sandbox.FaultSettings { ConflictRate = 0.3, Seed = 4 });
        var engine = new ReleaseEngine(client, Options());

        var results = await engine.ReleaseAsync(leaks);

        Assert.All(results, r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.True(engine.Statistics.Conflicts > 0, $"{leaks.Count} leaks in {blocks} blocks, {engine.Statistics}, attempted {string.Join(", ", cluster.Server.Writes.AttemptedSnapshot())}");
        var writes = cluster.Server.Writes;
        Assert.Equal(blocks, writes.Count("update", "ipamblocks"));
        Assert.Equal(leaks.Count, writes.Count("update", "ipamhandles"));
        Assert.Equal(leaks.Count, writes.Count("delete", "ipamhandles"));
        var extraPuts = writes.AttemptedCount("update", "ipamblocks") + writes.AttemptedCount("update", "ipamhandles") - blocks - leaks.Count;
        Assert.InRange(extraPuts, 1, engine.Statistics.Conflicts);
    }
}
