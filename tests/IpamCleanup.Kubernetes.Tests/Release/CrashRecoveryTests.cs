using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using IpamCleanup.Sandbox;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>
/// Issue 5 test (b): the run dies between a block write and its handle decrement. The addresses are free, the
/// handles are left behind; a second run finds them as orphan handles and converges.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const string Spec = "nodes=3,pods=10,leakedPods=6,seed=7";

    [Fact]
    public async Task Handle_writes_failing_after_the_block_writes_leave_released_addresses_and_a_second_run_converges()
    {
        await using var cluster = await TestCluster.StartAsync(generate: Spec);
        using var client = await cluster.ConnectAsync();
        var leaks = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.LeakedIp && f.Releasable).ToList();
        Assert.Equal(6, leaks.Count);
        cluster.Server.Rbac = RbacPolicy.Parse("get *,list *,create *,patch *,update ipamblocks,delete ipamblocks,update blockaffinities,delete blockaffinities");

        var first = await ReleaseAsync(client, leaks);

        Assert.All(first, r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.All(first, r => Assert.Contains("ApiServerForbidden", Assert.Single(r.Warnings), StringComparison.Ordinal));
        Assert.All(leaks, f => Assert.False(IsAllocated(Block(cluster, f.BlockName!)!, Ordinal(f))));
        Assert.NotEmpty(HandleCountProblems(cluster.Server.Store));

        cluster.Server.Rbac = null;
        var orphans = (await ScanAsync(client)).Where(IsAddressWork).ToList();
        Assert.Equal(leaks.Select(f => f.Handle).Order(), orphans.Where(f => f.Kind == FindingKind.OrphanHandle).Select(f => f.Handle).Order());
        Assert.All(orphans, f => Assert.Equal(FindingKind.OrphanHandle, f.Kind));

        Assert.All(await ReleaseAsync(client, orphans), r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.DoesNotContain(await ScanAsync(client), IsAddressWork);
        Assert.Empty(HandleCountProblems(cluster.Server.Store));
        Assert.Empty(BlockProblems(cluster.Server.Store));
    }

    [Fact]
    public async Task A_run_cancelled_right_after_a_block_write_converges_on_the_next_run()
    {
        await using var cluster = await TestCluster.StartAsync(generate: Spec);
        using var client = await cluster.ConnectAsync();
        var leaks = (await ScanAsync(client)).Where(f => f.Kind == FindingKind.LeakedIp && f.Releasable).ToList();
        using var crash = new CancellationTokenSource();
        var audit = new HookAuditSink(record =>
        {
            if (record is { ObjectKind: "IPAMBlock", Result: "Updated" or "Deleted" })
            {
                crash.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new Kubernetes.Release.ReleaseEngine(client, Options(throttle: 1, audit: audit)).ReleaseAsync(leaks, cancellationToken: crash.Token));

        var blockWrite = Assert.Single(audit.Records);
        Assert.Equal("IPAMBlock", blockWrite.ObjectKind);
        Assert.NotEmpty(HandleCountProblems(cluster.Server.Store));

        var second = (await ScanAsync(client)).Where(IsAddressWork).ToList();
        Assert.Contains(second, f => f.Kind == FindingKind.OrphanHandle);
        Assert.Equal(leaks.Count, second.Count);
        Assert.All(await ReleaseAsync(client, second), r => Assert.Equal(ReleaseStatus.Released, r.Status));

        Assert.DoesNotContain(await ScanAsync(client), IsAddressWork);
        Assert.All(leaks, f => Assert.False(IsAllocated(Block(cluster, f.BlockName!)!, Ordinal(f))));
        Assert.Empty(HandleCountProblems(cluster.Server.Store));
        Assert.Empty(BlockProblems(cluster.Server.Store));
    }

    private static bool IsAddressWork(Finding finding) => finding.Releasable && ReleasePlanner.AddressKinds.Contains(finding.Kind);

    private static int Ordinal(Finding finding) =>
        Core.Net.IpNet.Parse(finding.Block!).TryGetIntOrdinal(System.Net.IPAddress.Parse(finding.IP!), out var ordinal) ? ordinal : -1;
}
