using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>calico-ipam.md §6 rows 8–11 and 14–17: releasing blocks and affinities (F5, F6, F7).</summary>
public sealed class AffinityScenarioTests
{
    /// <summary>Live node n1 with a block holding live pod p1 (10.0.0.1) and an empty surplus block 10.0.0.64/26.</summary>
    private static IpamSeed NodeWithSurplusBlock() => new IpamSeed().Pool("10.0.0.0/16").Node("n1")
        .Block("10.0.0.0/26", "host:n1").Pod(1, "default", "p1", "n1", "k8s-pod-network.p1").Done()
        .Pod("default", "p1", "n1", "10.0.0.1")
        .Block("10.0.0.64/26", "host:n1").Done()
        .Affinity("n1", "10.0.0.0/26")
        .Affinity("n1", "10.0.0.64/26")
        .HandlesForAllocations();

    [Fact]
    public async Task Scenario08_an_empty_block_that_received_an_allocation_is_kept_and_released_once_empty_again()
    {
        await using var cluster = await StartAsync(NodeWithSurplusBlock());
        using var client = await cluster.ConnectAsync();
        var stale = Single(await ScanAsync(client), FindingKind.EmptyBlock, "10.0.0.64/26");
        Assert.True(stale.Releasable);
        StoreEdits.Allocate(cluster.Server.Store, "10-0-0-64-26", 3, "k8s-pod-network.p2", StoreEdits.PodAttributes("default", "p2", "n1"));

        var kept = Assert.Single(await ReleaseAsync(client, new[] { stale }));

        Assert.Equal(ReleaseStatus.Skipped, kept.Status);
        Assert.Equal(ReleaseSkipReason.ChangedSinceScan, kept.Reason);
        Assert.Equal("confirmed", (string)Affinity(cluster, "n1", "10.0.0.64/26")!["spec"]!["state"]!);
        Assert.True(IsAllocated(Block(cluster, "10-0-0-64-26")!, 3));

        StoreEdits.Release(cluster.Server.Store, "10-0-0-64-26", 3);
        var fresh = Single(await ScanAsync(client), FindingKind.EmptyBlock, "10.0.0.64/26");
        Assert.Equal(ReleaseStatus.Released, Assert.Single(await ReleaseAsync(client, new[] { fresh })).Status);
        Assert.Null(Block(cluster, "10-0-0-64-26"));
        Assert.Null(Affinity(cluster, "n1", "10.0.0.64/26"));
        Assert.NotNull(Block(cluster, "10-0-0-0-26"));
    }

    [Fact]
    public async Task Scenario09_of_several_empty_blocks_the_empty_ones_go_and_the_one_that_got_an_address_stays()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/24", 30).Node("n1");
        foreach (var cidr in new[] { "10.0.0.0/30", "10.0.0.4/30", "10.0.0.8/30" })
        {
            seed.Block(cidr, "host:n1").Done().Affinity("n1", cidr);
        }

        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var findings = (await ScanAsync(client, keepBlocksPerNode: 0)).Where(f => f.Kind == FindingKind.EmptyBlock).ToList();
        Assert.Equal(3, findings.Count);
        StoreEdits.Allocate(cluster.Server.Store, "10-0-0-0-30", 1, "k8s-pod-network.p1", StoreEdits.PodAttributes("default", "p1", "n1"));

        var results = await ReleaseAsync(client, findings, Options(keepBlocksPerNode: 0));

        Assert.Equal(ReleaseStatus.Skipped, results.Single(r => r.Finding.Block == "10.0.0.0/30").Status);
        Assert.All(results.Where(r => r.Finding.Block != "10.0.0.0/30"), r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.Equal(new[] { "10-0-0-0-30" }, cluster.Server.Store.List(V1, "ipamblocks").Select(b => (string)b["metadata"]!["name"]!));
        Assert.Equal("confirmed", (string)Affinity(cluster, "n1", "10.0.0.0/30")!["spec"]!["state"]!);
    }

    [Fact]
    public async Task Scenario09_a_block_that_is_not_empty_at_write_time_is_NotEmpty()
    {
        await using var cluster = await StartAsync(NodeWithSurplusBlock());
        using var client = await cluster.ConnectAsync();
        var finding = Single(await ScanAsync(client), FindingKind.EmptyBlock, "10.0.0.64/26");

        // Allocated and the block's sequence number put back, as if the scan had raced with the allocation itself.
        StoreEdits.Allocate(cluster.Server.Store, "10-0-0-64-26", 3, "k8s-pod-network.p2", StoreEdits.PodAttributes("default", "p2", "n1"));
        StoreEdits.SetSpec(cluster.Server.Store, "ipamblocks", "10-0-0-64-26", "sequenceNumber", finding.BlockSequenceNumber);

        var result = Assert.Single(await ReleaseAsync(client, new[] { finding }));

        Assert.Equal(ReleaseSkipReason.NotEmpty, result.Reason);
        Assert.NotNull(Block(cluster, "10-0-0-64-26"));
        Assert.Equal("confirmed", (string)Affinity(cluster, "n1", "10.0.0.64/26")!["spec"]!["state"]!);
    }

    [Fact]
    public async Task Scenario10_blocks_of_a_deleted_node_are_released_even_when_their_pool_is_gone()
    {
        var seed = new IpamSeed();
        var cidrs = new[] { "10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26" };
        for (var i = 0; i < cidrs.Length; i++)
        {
            seed.Block(cidrs[i], "host:gone").Pod(5, "default", "p" + i, "gone", "k8s-pod-network.p" + i).Done().Affinity("gone", cidrs[i]);
        }

        await using var cluster = await StartAsync(seed.HandlesForAllocations());
        using var client = await cluster.ConnectAsync();
        var blocks = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.DeletedNodeBlock).ToList();
        Assert.Equal(3, blocks.Count);
        Assert.All(blocks, f => Assert.Equal("LeakedOnly", f.Detail));

        var results = await ReleaseAsync(client, blocks, kinds: ReleasePlanner.BlockKinds);

        Assert.All(results, r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.All(results, r => Assert.StartsWith("Released its 1 leaked address(es), then deleted", r.Message, StringComparison.Ordinal));
        Assert.Empty(cluster.Server.Store.List(V1, "ipamblocks"));
        Assert.Empty(cluster.Server.Store.List(V1, "blockaffinities"));
        Assert.Empty(cluster.Server.Store.List(V1, "ipamhandles"));
    }

    [Fact]
    public async Task Scenario11_an_affinity_written_without_a_type_is_treated_as_host_and_released()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16")
            .Block("10.0.0.0/26", "host:old").Done()
            .Affinity("old", "10.0.0.0/26", type: "");
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var finding = Single(await ScanAsync(client), FindingKind.DeletedNodeBlock);

        Assert.Equal(ReleaseStatus.Released, Assert.Single(await ReleaseAsync(client, new[] { finding })).Status);
        Assert.Null(Block(cluster, "10-0-0-0-26"));
        Assert.Null(Affinity(cluster, "old", "10.0.0.0/26"));
    }

    [Fact]
    public async Task Scenario14_a_deleted_nodes_block_holding_only_windows_reserved_addresses_counts_as_empty()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16").Node("win-live")
            .Block("10.0.0.0/26", "host:win-gone").WindowsReserved(0).WindowsReserved(1).WindowsReserved(2).WindowsReserved(63).Done()
            .Affinity("win-gone", "10.0.0.0/26")
            .Block("10.0.0.64/26", "host:win-live").WindowsReserved(0).WindowsReserved(1).WindowsReserved(2).WindowsReserved(63).Done()
            .Block("10.0.0.128/26", "host:win-live").WindowsReserved(0).WindowsReserved(1).WindowsReserved(2).WindowsReserved(63).Done()
            .Affinity("win-live", "10.0.0.64/26")
            .Affinity("win-live", "10.0.0.128/26");
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var findings = await ScanAsync(client);

        Assert.DoesNotContain(findings, f => f.Kind == FindingKind.EmptyBlock && f.Releasable);
        var results = await ReleaseAsync(client, findings.Where(f => f.Releasable));

        Assert.Equal("Empty", Assert.Single(results).Finding.Detail);
        Assert.Equal(ReleaseStatus.Released, Assert.Single(results).Status);
        Assert.Null(Block(cluster, "10-0-0-0-26"));
        Assert.NotNull(Block(cluster, "10-0-0-64-26"));
        Assert.NotNull(Block(cluster, "10-0-0-128-26"));
    }

    [Fact]
    public async Task Scenario15_an_allocation_landing_after_pendingDeletion_keeps_the_block_and_leaves_the_affinity_for_its_owner()
    {
        await using var cluster = await StartAsync(NodeWithSurplusBlock());
        using var client = await cluster.ConnectAsync();
        var finding = Single(await ScanAsync(client), FindingKind.EmptyBlock, "10.0.0.64/26");
        var allocated = false;
        var audit = new HookAuditSink(record =>
        {
            if (record is { Action: "MarkAffinityPendingDeletion", Result: "Updated" } && !allocated)
            {
                allocated = true;
                StoreEdits.Allocate(cluster.Server.Store, "10-0-0-64-26", 0, "k8s-pod-network.p2", StoreEdits.PodAttributes("default", "p2", "n1"));
            }
        });

        var result = Assert.Single(await ReleaseAsync(client, new[] { finding }, Options(audit: audit)));

        Assert.Equal(ReleaseSkipReason.NowInUse, result.Reason);
        Assert.Contains("stays pendingDeletion", result.Message, StringComparison.Ordinal);
        var block = Block(cluster, "10-0-0-64-26")!;
        Assert.Equal("host:n1", (string)block["spec"]!["affinity"]!);
        Assert.True(IsAllocated(block, 0));
        Assert.Equal("pendingDeletion", (string)Affinity(cluster, "n1", "10.0.0.64/26")!["spec"]!["state"]!);
        Assert.Contains(audit.Records, r => r is { Action: "DeleteBlock", Result: "Conflict" });
        Assert.DoesNotContain(audit.Records, r => r.Action is "DeleteAffinity" or "StripBlockAffinity");
    }

    [Fact]
    public async Task Scenario16_a_claim_racing_the_release_is_never_overwritten_and_the_block_stays()
    {
        await using var cluster = await StartAsync(NodeWithSurplusBlock());
        using var client = await cluster.ConnectAsync();
        var finding = Single(await ScanAsync(client), FindingKind.EmptyBlock, "10.0.0.64/26");
        var name = Core.Naming.CalicoNames.AffinityName("n1", "10.0.0.64/26");
        var claimed = 0;
        cluster.OnLog = line =>
        {
            if (line.StartsWith("GET ", StringComparison.Ordinal) && line.Contains("/blockaffinities/" + name, StringComparison.Ordinal) &&
                Interlocked.Exchange(ref claimed, 1) == 0)
            {
                StoreEdits.SetSpec(cluster.Server.Store, "blockaffinities", name, "state", "pending");
            }
        };

        var result = Assert.Single(await ReleaseAsync(client, new[] { finding }));

        Assert.Equal(ReleaseSkipReason.TooYoung, result.Reason);
        Assert.Equal("pending", (string)Affinity(cluster, "n1", "10.0.0.64/26")!["spec"]!["state"]!);
        Assert.NotNull(Block(cluster, "10-0-0-64-26"));
        Assert.Equal(0, cluster.Server.Writes.Count("delete", "ipamblocks"));
    }

    [Fact]
    public async Task Scenario17_an_empty_block_claimed_less_than_a_minute_ago_is_not_released_until_it_is_older()
    {
        var claimed = IpamSeed.LongAgo;
        await using var cluster = await StartAsync(NodeWithSurplusBlock());
        using var client = await cluster.ConnectAsync();
        var finding = Single(await ScanAsync(client, now: claimed.AddMinutes(2)), FindingKind.EmptyBlock, "10.0.0.64/26");
        Assert.True(finding.Releasable);

        var young = Assert.Single(await ReleaseAsync(client, new[] { finding }, Options(clock: new FixedClock(claimed.AddSeconds(30)))));
        Assert.Equal(ReleaseSkipReason.TooYoung, young.Reason);
        Assert.NotNull(Block(cluster, "10-0-0-64-26"));

        var old = Assert.Single(await ReleaseAsync(client, new[] { finding }, Options(clock: new FixedClock(claimed.AddMinutes(2)))));
        Assert.Equal(ReleaseStatus.Released, old.Status);
        Assert.Null(Block(cluster, "10-0-0-64-26"));
    }

    [Fact]
    public async Task A_stale_affinity_whose_block_belongs_to_another_node_is_deleted()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16").Node("n1").Node("n2")
            .Block("10.0.0.0/26", "host:n2").Pod(1, "default", "p1", "n2", "k8s-pod-network.p1").Done()
            .Pod("default", "p1", "n2", "10.0.0.1")
            .Affinity("n2", "10.0.0.0/26")
            .Affinity("n1", "10.0.0.0/26")
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var finding = Single(await ScanAsync(client), FindingKind.OrphanAffinity);
        Assert.Equal("Stale", finding.Detail);

        Assert.Equal(ReleaseStatus.Released, Assert.Single(await ReleaseAsync(client, new[] { finding })).Status);
        Assert.Null(Affinity(cluster, "n1", "10.0.0.0/26"));
        Assert.NotNull(Affinity(cluster, "n2", "10.0.0.0/26"));
        Assert.NotNull(Block(cluster, "10-0-0-0-26"));
    }

    [Fact]
    public async Task A_young_pending_affinity_of_a_live_node_without_its_block_is_a_claim_in_flight()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16").Node("n1")
            .Affinity("n1", "10.0.0.0/26", state: "pending")
            .Affinity("gone", "10.0.0.64/26");
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var findings = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.OrphanAffinity).ToList();
        Assert.Equal(2, findings.Count);

        var results = await ReleaseAsync(client, findings, Options(clock: new FixedClock(IpamSeed.LongAgo.AddMinutes(1))));

        Assert.Equal(ReleaseSkipReason.TooYoung, results.Single(r => r.Finding.Node == "n1").Reason);
        Assert.Equal(ReleaseStatus.Released, results.Single(r => r.Finding.Node == "gone").Status);
        Assert.NotNull(Affinity(cluster, "n1", "10.0.0.0/26"));
        Assert.Null(Affinity(cluster, "gone", "10.0.0.64/26"));
    }
}
