using IpamCleanup.Core;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Kubernetes.Tests;

public sealed class RbacTests
{
    /// <summary>calico-ipam.md §7 for layout A: what a snapshot read needs.</summary>
    private static readonly string[] ReadRules =
    [
        "get ipamblocks", "list ipamblocks", "get ipamhandles", "list ipamhandles", "get blockaffinities", "list blockaffinities",
        "get clusterinformations", "get ipamconfigs", "list ipamconfigs", "get ippools", "list ippools",
        "get kubecontrollersconfigurations", "list kubecontrollersconfigurations",
        "get nodes", "list nodes", "get pods", "list pods", "get services", "list services",
    ];

    [Fact]
    public async Task The_documented_read_rules_are_enough_for_a_snapshot()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.Rbac = new RbacPolicy(ReadRules));
        using var client = await cluster.ConnectAsync();

        var snapshot = await client.ReadSnapshotAsync();

        Assert.Equal(cluster.Server.Store.Count("v1", "pods"), snapshot.Pods.Count);
    }

    [Fact]
    public async Task Missing_list_permission_is_ApiServerForbidden_naming_verb_and_resource()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.Rbac = new RbacPolicy(ReadRules.Where(r => r != "list ipamblocks")));
        using var client = await cluster.ConnectAsync();

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => client.ReadSnapshotAsync());

        Assert.Equal(KubeErrorIds.ApiServerForbidden, error.ErrorId);
        Assert.Equal("PermissionDenied", error.Category);
        Assert.Contains("list ipamblocks.crd.projectcalico.org", error.Message, StringComparison.Ordinal);
        Assert.Contains("sandbox", error.Message, StringComparison.Ordinal);
        Assert.Equal("list ipamblocks.crd.projectcalico.org", error.Target);
        TestSecrets.AssertNoSecret(error, TestSecrets.SandboxToken);
    }

    [Fact]
    public async Task Missing_update_permission_names_update_and_the_resource()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.Rbac = new RbacPolicy(ReadRules));
        using var client = await cluster.ConnectAsync();
        var info = (await client.GetClusterInformationAsync())!;

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => client.UpdateAsync(CalicoKind.ClusterInformation, info));

        Assert.Equal(KubeErrorIds.ApiServerForbidden, error.ErrorId);
        Assert.Contains("update clusterinformations.crd.projectcalico.org", error.Message, StringComparison.Ordinal);
    }
}
