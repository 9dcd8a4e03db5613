using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using IpamCleanup.Sandbox;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>Layout C (projectcalico.org/v3 CRDs, boolean affinity <c>deleted</c>): every kind releases the same way.</summary>
public sealed class NativeV3LayoutTests
{
    private const string V3 = "projectcalico.org/v3";

    [Fact]
    public async Task Every_releasable_kind_is_released_in_the_native_v3_layout()
    {
        await using var cluster = await TestCluster.StartAsync(ApiLayout.V3, "nodes=4,pods=20,leakedPods=6,deletedNodes=1,orphanHandles=3,emptyBlocks=2,seed=21");
        using var client = await cluster.ConnectAsync();
        Assert.Equal(CalicoApiLayout.NativeV3, client.ApiLayout);
        var findings = (await ScanAsync(client)).Where(f => f.Releasable).ToList();
        Assert.Equal(
            new[] { FindingKind.LeakedIp, FindingKind.LeakedTunnelIp, FindingKind.OrphanHandle, FindingKind.EmptyBlock, FindingKind.DeletedNodeBlock },
            findings.Select(f => f.Kind).Distinct().Order());

        var results = await ReleaseAsync(client, findings);

        Assert.All(results, r => Assert.Equal(ReleaseStatus.Released, r.Status));
        Assert.DoesNotContain(await ScanAsync(client), f => f.Releasable);
        Assert.Empty(BlockProblems(cluster.Server.Store, V3));
        Assert.Empty(HandleCountProblems(cluster.Server.Store, V3));
        Assert.DoesNotContain(cluster.Server.Store.List(V3, "blockaffinities"), a => a["spec"]!["node"]!.GetValue<string>() == cluster.Server.Truth!.DeletedNodes[0]);
    }
}
