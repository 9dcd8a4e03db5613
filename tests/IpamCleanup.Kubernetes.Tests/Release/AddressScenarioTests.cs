using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>calico-ipam.md §6 rows 6, 7, 12 and 13: releasing addresses with the handle and sequence-number checks.</summary>
public sealed class AddressScenarioTests
{
    private const string Handle1 = "k8s-pod-network.1111";

    [Fact]
    public async Task Scenario06_an_ip_released_and_reallocated_with_the_same_handle_is_not_released_with_the_old_sequence_number()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/24", 30).Node("n1")
            .Block("10.0.0.0/30", "host:n1").Pod(1, "default", "gone", "n1", Handle1, sequence: 500).SequenceNumber(501).Done()
            .Affinity("n1", "10.0.0.0/30")
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var stale = Single(await ScanAsync(client), FindingKind.LeakedIp, "10.0.0.1");
        Assert.Equal(500UL, stale.SequenceNumber);

        // ReleaseByHandle then AssignIP(same IP, same handle): each bumps the block, so the ordinal now carries 502.
        StoreEdits.Release(cluster.Server.Store, "10-0-0-0-30", 1);
        StoreEdits.Allocate(cluster.Server.Store, "10-0-0-0-30", 1, Handle1, StoreEdits.PodAttributes("default", "gone", "n1"));
        var before = Block(cluster, "10-0-0-0-30")!.ToJsonString();

        var result = Assert.Single(await ReleaseAsync(client, new[] { stale }));

        Assert.Equal(ReleaseSkipReason.ChangedSinceScan, result.Reason);
        Assert.Contains("sequence number 500, now 502", result.Message, StringComparison.Ordinal);
        Assert.Equal(before, Block(cluster, "10-0-0-0-30")!.ToJsonString());

        var fresh = Single(await ScanAsync(client, minimumAge: TimeSpan.Zero), FindingKind.LeakedIp, "10.0.0.1");
        Assert.Equal(502UL, fresh.SequenceNumber);
        Assert.Equal(ReleaseStatus.Released, Assert.Single(await ReleaseAsync(client, new[] { fresh }, Options(minimumAge: TimeSpan.Zero))).Status);
        Assert.False(IsAllocated(Block(cluster, "10-0-0-0-30")!, 1));
    }

    [Fact]
    public async Task Scenario07_the_last_ip_of_a_non_affine_block_deletes_the_block_and_a_recreated_block_rejects_old_sequence_numbers()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/24", 30).Node("n1")
            .Block("10.0.0.0/30", affinity: null).Pod(2, "default", "gone", "n1", Handle1, sequence: 10).SequenceNumber(11).Done()
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var first = Single(await ScanAsync(client), FindingKind.LeakedIp, "10.0.0.2");

        Assert.Equal(ReleaseStatus.Released, Assert.Single(await ReleaseAsync(client, new[] { first })).Status);
        Assert.Empty(cluster.Server.Store.List(V1, "ipamblocks"));
        Assert.Null(Handle(cluster, Handle1));

        // AssignIP re-creates the block with a fresh UnixNano sequence number.
        new IpamSeed().Node("n1")
            .Block("10.0.0.0/30", affinity: null).Pod(2, "default", "gone", "n1", Handle1, sequence: 1_735_000_000_000_000_000).SequenceNumber(1_735_000_000_000_000_001).Done()
            .HandlesForAllocations()
            .SeedInto(cluster.Server.Store);

        Assert.Equal(ReleaseSkipReason.ChangedSinceScan, Assert.Single(await ReleaseAsync(client, new[] { first })).Reason);
        Assert.True(IsAllocated(Block(cluster, "10-0-0-0-30")!, 2));

        var fresh = Single(await ScanAsync(client), FindingKind.LeakedIp, "10.0.0.2");
        Assert.Equal(ReleaseStatus.Released, Assert.Single(await ReleaseAsync(client, new[] { fresh })).Status);
        Assert.Empty(cluster.Server.Store.List(V1, "ipamblocks"));
    }

    [Fact]
    public async Task Scenario12_the_same_ip_twice_in_the_input_is_freed_exactly_once()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/16").Node("n1");
        var block = seed.Block("10.0.0.0/26", "host:n1");
        for (var ordinal = 0; ordinal < 64; ordinal++)
        {
            block.Pod(ordinal, "default", "gone-" + ordinal, "n1", "k8s-pod-network.h" + ordinal);
        }

        await using var cluster = await StartAsync(block.Done().Affinity("n1", "10.0.0.0/26").HandlesForAllocations());
        using var client = await cluster.ConnectAsync();
        var leak = Single(await ScanAsync(client), FindingKind.LeakedIp, "10.0.0.7");

        var results = await ReleaseAsync(client, new[] { leak, leak with { } });

        Assert.Equal(new[] { ReleaseStatus.Released, ReleaseStatus.Skipped }, results.Select(r => r.Status).Order());
        Assert.Equal(ReleaseSkipReason.Duplicate, Assert.Single(results, r => r.Status == ReleaseStatus.Skipped).Reason);
        var spec = Block(cluster, "10-0-0-0-26")!["spec"]!;
        Assert.Equal(new[] { 7 }, spec["unallocated"]!.AsArray().Select(n => (int)n!));
        Assert.Equal(63, spec["allocations"]!.AsArray().Count(a => a is not null));
        Assert.Empty(BlockProblems(cluster.Server.Store));
        Assert.Empty(HandleCountProblems(cluster.Server.Store));
    }

    [Fact]
    public async Task Scenario13_a_shared_attribute_stays_until_its_last_ordinal_is_released_and_wrong_handle_or_sequence_is_refused()
    {
        // One pod sandbox holding three addresses shares one attribute (findOrAddAttribute).
        var seed = new IpamSeed().Pool("100.64.0.0/16", 24).Node("n1")
            .Block("100.64.0.0/24", "host:n1")
            .Pod(26, "default", "gone", "n1", Handle1).Pod(39, "default", "gone", "n1", Handle1).Pod(40, "default", "gone", "n1", Handle1)
            .Pod(17, "default", "live", "n1", "k8s-pod-network.2222").Done()
            .Pod("default", "live", "n1", "100.64.0.17")
            .Affinity("n1", "100.64.0.0/24")
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var findings = await ScanAsync(client);
        var first = Single(findings, FindingKind.LeakedIp, "100.64.0.26");

        var wrongHandle = Assert.Single(await ReleaseAsync(client, new[] { first with { Handle = "k8s-pod-network.9999" } }));
        var wrongSequence = Assert.Single(await ReleaseAsync(client, new[] { first with { SequenceNumber = first.SequenceNumber + 1 } }));
        Assert.Equal(ReleaseSkipReason.ChangedSinceScan, wrongHandle.Reason);
        Assert.Equal(ReleaseSkipReason.ChangedSinceScan, wrongSequence.Reason);
        Assert.True(IsAllocated(Block(cluster, "100-64-0-0-24")!, 26));

        Assert.Equal(ReleaseStatus.Released, Assert.Single(await ReleaseAsync(client, new[] { first })).Status);
        var spec = Block(cluster, "100-64-0-0-24")!["spec"]!;
        Assert.Equal(2, spec["attributes"]!.AsArray().Count);
        Assert.True(IsAllocated(Block(cluster, "100-64-0-0-24")!, 39));
        Assert.Equal(26, (int)spec["unallocated"]!.AsArray()[^1]!);
        Assert.Equal(2, (int)Handle(cluster, Handle1)!["spec"]!["block"]!["100.64.0.0/24"]!);

        var rest = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.LeakedIp).ToList();
        Assert.Equal(2, rest.Count);
        Assert.All(await ReleaseAsync(client, rest), r => Assert.Equal(ReleaseStatus.Released, r.Status));
        spec = Block(cluster, "100-64-0-0-24")!["spec"]!;
        var attribute = Assert.Single(spec["attributes"]!.AsArray());
        Assert.Equal("k8s-pod-network.2222", (string)attribute!["handle_id"]!);
        Assert.Equal(new[] { 26, 39, 40 }, spec["unallocated"]!.AsArray().TakeLast(3).Select(n => (int)n!));
        Assert.Null(Handle(cluster, Handle1));
        Assert.Empty(BlockProblems(cluster.Server.Store));
        Assert.Empty(HandleCountProblems(cluster.Server.Store));
        Assert.Empty(LostUnknownFields(cluster.Server.Store));
    }
}
