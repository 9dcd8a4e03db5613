using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>v3.33 cooldown release through the engine (calico-ipam.md §4f F3 cooldown mode, §6 scenario 2).</summary>
public sealed class CooldownReleaseTests
{
    private const string Dead = "k8s-pod-network.dead";
    private const string OtherDead = "k8s-pod-network.other";

    [Fact]
    public async Task Cooldown_release_keeps_the_address_as_a_releasedAt_entry_and_frees_it_on_a_write_after_the_cooldown()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/24", 28).Node("n1")
            .Block("10.0.0.0/28", affinity: null)
                .Pod(3, "default", "gone", "n1", Dead)
                .Pod(9, "default", "gone-too", "n1", OtherDead)
                .Done()
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        var first = Single(await ScanAsync(client, now: clock.Now), FindingKind.LeakedIp, "10.0.0.3");

        var result = Assert.Single(await ReleaseAsync(client, new[] { first }, Options(clock: clock, cooldownSeconds: 300)));

        // Still allocated, to a handle-less releasedAt entry; the handle count went down as in classic mode; the
        // non-affine block is not deleted, because a cooling-down address keeps it in use.
        Assert.Equal(ReleaseStatus.Released, result.Status);
        var block = Block(cluster, "10-0-0-0-28")!;
        Assert.True(IsAllocated(block, 3));
        var attributes = block["spec"]!["attributes"]!.AsArray();
        var entry = attributes[(int)block["spec"]!["allocations"]![3]!]!;
        Assert.NotNull(entry["releasedAt"]);
        Assert.Null(entry["handle_id"]);
        Assert.Null(Handle(cluster, Dead));
        Assert.Empty(BlockProblems(cluster.Server.Store));
        Assert.Empty(HandleCountProblems(cluster.Server.Store));

        // Not a leak any more, and not releasable again while it cools down.
        var rescan = await ScanAsync(client, now: clock.Now);
        Assert.DoesNotContain(rescan, f => f.IP == "10.0.0.3");

        // Ten minutes later the first cooldown is over: the next release in this block frees that address for good
        // (libcalico's garbage collection before a write), while the address it releases now starts cooling down.
        clock.Now += TimeSpan.FromMinutes(10);
        var second = Single(await ScanAsync(client, now: clock.Now), FindingKind.LeakedIp, "10.0.0.9");
        Assert.Equal(ReleaseStatus.Released, Assert.Single(await ReleaseAsync(client, new[] { second }, Options(clock: clock, cooldownSeconds: 300))).Status);
        block = Block(cluster, "10-0-0-0-28")!;
        Assert.False(IsAllocated(block, 3));
        Assert.Equal(3, (int)block["spec"]!["unallocated"]!.AsArray()[^1]!);
        Assert.True(IsAllocated(block, 9));
        Assert.Single(block["spec"]!["attributes"]!.AsArray());
        Assert.Null(Handle(cluster, OtherDead));
        Assert.Empty(BlockProblems(cluster.Server.Store));
    }

    [Fact]
    public async Task Cooldown_release_refuses_an_address_already_cooling_down()
    {
        var seed = new IpamSeed().Pool("10.0.0.0/24", 28).Node("n1")
            .Block("10.0.0.0/28", "host:n1").Pod(3, "default", "gone", "n1", Dead).Done()
            .Affinity("n1", "10.0.0.0/28")
            .HandlesForAllocations();
        await using var cluster = await StartAsync(seed);
        using var client = await cluster.ConnectAsync();
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        var finding = Single(await ScanAsync(client, now: clock.Now), FindingKind.LeakedIp, "10.0.0.3");
        Assert.Equal(ReleaseStatus.Released, Assert.Single(await ReleaseAsync(client, new[] { finding }, Options(clock: clock, cooldownSeconds: 300))).Status);
        var after = Block(cluster, "10-0-0-0-28")!.ToJsonString();

        var again = Assert.Single(await ReleaseAsync(client, new[] { finding }, Options(clock: clock, cooldownSeconds: 300)));

        Assert.NotEqual(ReleaseStatus.Released, again.Status);
        Assert.Equal(after, Block(cluster, "10-0-0-0-28")!.ToJsonString());
    }
}
