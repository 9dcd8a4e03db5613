using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>calico-ipam.md §6 rows 3–5: calicoctl's TestIPAMCleanup FV test, as findings and the release engine.</summary>
public sealed class CalicoctlScenarioTests
{
    private const string Cidr = "10.65.79.0/26";

    private static IpamSeed Seed() => new IpamSeed()
        .ClusterInformation()
        .Pool("10.65.0.0/16")
        .Node("node-a")
        .Block(Cidr, "host:node-a").Pod(2, "default", "gone-pod", "node-a", "TestIPAMCleanup").Done()
        .Affinity("node-a", Cidr)
        .HandlesForAllocations()
        .Handle("leaked-handle", (Cidr, 1));

    [Fact]
    public async Task Scenario03_scan_reports_one_leaked_ip_and_one_orphan_handle_with_revision_and_uid()
    {
        await using var cluster = await StartAsync(Seed());
        using var client = await cluster.ConnectAsync();

        var findings = await ScanAsync(client);

        var leak = Single(findings, FindingKind.LeakedIp, "10.65.79.2");
        Assert.True(leak.Releasable);
        Assert.Equal("TestIPAMCleanup", leak.Handle);
        var orphan = Single(findings, FindingKind.OrphanHandle);
        Assert.True(orphan.Releasable);
        Assert.Equal("leaked-handle", orphan.Handle);
        Assert.False(string.IsNullOrEmpty(orphan.HandleResourceVersion));
        Assert.False(string.IsNullOrEmpty(orphan.HandleUid));
    }

    [Fact]
    public async Task Scenario04_release_frees_the_ip_and_removes_both_handles()
    {
        await using var cluster = await StartAsync(Seed());
        using var client = await cluster.ConnectAsync();
        var findings = (await ScanAsync(client)).Where(f => ReleasePlanner.AddressKinds.Contains(f.Kind)).ToList();

        var results = await ReleaseAsync(client, findings, kinds: ReleasePlanner.AddressKinds);

        Assert.All(results, r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.Equal(2, results.Count);
        Assert.False(IsAllocated(Block(cluster, "10-65-79-0-26")!, 2));
        Assert.Null(Handle(cluster, "TestIPAMCleanup"));
        Assert.Null(Handle(cluster, "leaked-handle"));
        Assert.Empty(BlockProblems(cluster.Server.Store));
        Assert.Empty(HandleCountProblems(cluster.Server.Store));
        Assert.Empty(LostUnknownFields(cluster.Server.Store));
    }

    [Fact]
    public async Task Scenario05_a_recreated_handle_is_skipped_as_changed_and_a_deleted_one_as_already_released()
    {
        await using var cluster = await StartAsync(Seed());
        using var client = await cluster.ConnectAsync();
        var stale = (await ScanAsync(client)).Where(f => ReleasePlanner.AddressKinds.Contains(f.Kind)).ToList();
        await ReleaseAsync(client, stale);
        new IpamSeed().Handle("leaked-handle", (Cidr, 1)).SeedInto(cluster.Server.Store);
        var recreated = Handle(cluster, "leaked-handle")!;
        cluster.Server.Writes.Reset();

        var second = await ReleaseAsync(client, stale);

        Assert.Equal(ReleaseSkipReason.AlreadyReleased, Assert.Single(second, r => r.Finding.Kind == FindingKind.LeakedIp).Reason);
        Assert.Equal(ReleaseSkipReason.ChangedSinceScan, Assert.Single(second, r => r.Finding.Kind == FindingKind.OrphanHandle).Reason);
        Assert.Equal(recreated.ToJsonString(), Handle(cluster, "leaked-handle")!.ToJsonString());
        Assert.Equal(0, cluster.Server.Writes.Total);

        cluster.Server.Store.Delete(V1, "ipamhandles", null, "leaked-handle");
        var third = await ReleaseAsync(client, stale);

        Assert.Equal(ReleaseSkipReason.AlreadyReleased, Assert.Single(third, r => r.Finding.Kind == FindingKind.OrphanHandle).Reason);
        Assert.Equal(0, cluster.Server.Writes.Total);
    }
}
