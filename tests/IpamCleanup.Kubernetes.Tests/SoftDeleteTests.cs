using System.Text.Json.Nodes;
using IpamCleanup.Core;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Kubernetes.Tests;

public sealed class SoftDeleteTests
{
    private const string V1 = "crd.projectcalico.org/v1";

    [Theory]
    [InlineData(CalicoKind.IpamBlock, "ipamblocks")]
    [InlineData(CalicoKind.IpamHandle, "ipamhandles")]
    [InlineData(CalicoKind.BlockAffinity, "blockaffinities")]
    public async Task Soft_delete_then_delete_removes_the_object(CalicoKind kind, string plural)
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var name = cluster.Server.Store.List(V1, plural)[0]["metadata"]!["name"]!.GetValue<string>();
        var obj = (await client.GetAsync(kind, name))!;
        var original = obj.ToJsonString();

        var result = await client.SoftDeleteAndDeleteAsync(kind, obj);

        Assert.Equal(DeleteOutcome.Deleted, result.Outcome);
        Assert.Null(cluster.Server.Store.Get(V1, plural, null, name));
        Assert.Equal(original, obj.ToJsonString());
        Assert.Single(cluster.Log, line => line.StartsWith($"PUT /apis/{V1}/{plural}/", StringComparison.Ordinal));
        Assert.Single(cluster.Log, line => line.StartsWith($"DELETE /apis/{V1}/{plural}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stale_resourceVersion_is_Conflict_and_the_object_is_untouched()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var name = cluster.Server.Store.List(V1, "ipamblocks")[0]["metadata"]!["name"]!.GetValue<string>();
        var stale = (await client.GetAsync(CalicoKind.IpamBlock, name))!;
        var changed = (await client.GetAsync(CalicoKind.IpamBlock, name))!;
        changed["spec"]!["sequenceNumber"] = 99;
        Assert.True((await client.UpdateAsync(CalicoKind.IpamBlock, changed)).IsUpdated);
        var stored = cluster.Server.Store.Get(V1, "ipamblocks", null, name)!.ToJsonString();

        var result = await client.SoftDeleteAndDeleteAsync(CalicoKind.IpamBlock, stale);

        Assert.Equal(DeleteOutcome.Conflict, result.Outcome);
        Assert.Equal(stored, cluster.Server.Store.Get(V1, "ipamblocks", null, name)!.ToJsonString());
        Assert.DoesNotContain(cluster.Log, line => line.StartsWith("DELETE ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ApiLayout.V1, "crd.projectcalico.org/v1", "\"deleted\":\"true\"")]
    [InlineData(ApiLayout.V3, "projectcalico.org/v3", "\"deleted\":true")]
    public async Task Affinity_deleted_flag_is_a_string_in_v1_and_a_bool_in_v3(ApiLayout layout, string apiVersion, string expectedFlag)
    {
        await using var cluster = await TestCluster.StartAsync(layout);
        var group = apiVersion.Split('/')[0];
        cluster.Server.Rbac = RbacPolicy.Parse($"get blockaffinities.{group},update blockaffinities.{group}");
        using var client = await cluster.ConnectAsync();
        var name = cluster.Server.Store.List(apiVersion, "blockaffinities")[0]["metadata"]!["name"]!.GetValue<string>();
        var affinity = (await client.GetAsync(CalicoKind.BlockAffinity, name))!;

        // Without delete permission the protocol stops after the soft delete, which leaves the flag to inspect.
        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => client.SoftDeleteAndDeleteAsync(CalicoKind.BlockAffinity, affinity));

        Assert.Equal(KubeErrorIds.ApiServerForbidden, error.ErrorId);
        Assert.Contains($"delete blockaffinities.{group}", error.Message, StringComparison.Ordinal);
        Assert.Contains(expectedFlag, cluster.Server.Store.Get(apiVersion, "blockaffinities", null, name)!["spec"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Object_deleted_by_someone_else_between_the_two_steps_counts_as_Deleted()
    {
        await using var cluster = await TestCluster.StartAsync();
        var store = cluster.Server.Store;
        var name = store.List(V1, "ipamhandles")[0]["metadata"]!["name"]!.GetValue<string>();
        cluster.OnLog = line =>
        {
            if (line.StartsWith("PUT /apis/crd.projectcalico.org/v1/ipamhandles/", StringComparison.Ordinal) && line.Contains(" 200 ", StringComparison.Ordinal))
            {
                store.Delete(V1, "ipamhandles", null, name);
            }
        };
        using var client = await cluster.ConnectAsync();

        var result = await client.SoftDeleteAndDeleteAsync(CalicoKind.IpamHandle, (await client.GetAsync(CalicoKind.IpamHandle, name))!);

        Assert.Equal(DeleteOutcome.Deleted, result.Outcome);
        Assert.Contains(cluster.Log, line => line.StartsWith("DELETE ", StringComparison.Ordinal) && line.Contains(" 404 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Uid_precondition_spares_an_object_recreated_under_the_same_name()
    {
        await using var cluster = await TestCluster.StartAsync();
        var store = cluster.Server.Store;
        var original = store.List(V1, "ipamhandles")[0];
        var name = original["metadata"]!["name"]!.GetValue<string>();
        var oldUid = original["metadata"]!["uid"]!.GetValue<string>();
        cluster.OnLog = line =>
        {
            if (line.StartsWith("PUT /apis/crd.projectcalico.org/v1/ipamhandles/", StringComparison.Ordinal) && line.Contains(" 200 ", StringComparison.Ordinal))
            {
                // Between the soft delete and the DELETE: the handle is finished off and a new one created.
                store.Delete(V1, "ipamhandles", null, name);
                var recreated = original.DeepClone().AsObject();
                recreated["metadata"] = new JsonObject { ["name"] = name };
                store.Create(recreated);
            }
        };
        using var client = await cluster.ConnectAsync();

        var result = await client.SoftDeleteAndDeleteAsync(CalicoKind.IpamHandle, (await client.GetAsync(CalicoKind.IpamHandle, name))!);

        Assert.Equal(DeleteOutcome.Deleted, result.Outcome);
        var survivor = store.Get(V1, "ipamhandles", null, name);
        Assert.NotNull(survivor);
        Assert.NotEqual(oldUid, survivor["metadata"]!["uid"]!.GetValue<string>());
        Assert.Contains(cluster.Log, line => line.StartsWith("DELETE ", StringComparison.Ordinal) && line.Contains(" 409 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Soft_delete_whose_response_was_lost_is_finished_rather_than_reported_as_conflict()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var name = cluster.Server.Store.List(V1, "ipamblocks")[0]["metadata"]!["name"]!.GetValue<string>();
        var block = (await client.GetAsync(CalicoKind.IpamBlock, name))!;
        cluster.Server.Faults.DropRate = 1;
        cluster.OnLog = line =>
        {
            if (line.StartsWith("PUT ", StringComparison.Ordinal) && line.Contains(" failed after ", StringComparison.Ordinal))
            {
                cluster.Server.Faults.DropRate = 0;
            }
        };

        var result = await client.SoftDeleteAndDeleteAsync(CalicoKind.IpamBlock, block);

        Assert.Equal(DeleteOutcome.Deleted, result.Outcome);
        Assert.True(result.EarlierAttemptMayHaveApplied || cluster.Log.Any(l => l.Contains(" 409 ", StringComparison.Ordinal)));
        Assert.Null(cluster.Server.Store.Get(V1, "ipamblocks", null, name));
    }

    [Fact]
    public async Task Only_IPAM_kinds_can_be_soft_deleted()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var pool = (await client.GetAsync(CalicoKind.IpPool, cluster.Server.Store.List(V1, "ippools")[0]["metadata"]!["name"]!.GetValue<string>()))!;

        await Assert.ThrowsAsync<ArgumentException>(() => client.SoftDeleteAndDeleteAsync(CalicoKind.IpPool, pool));
    }
}
