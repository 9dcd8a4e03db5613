using System.Text.Json.Nodes;

namespace IpamCleanup.Kubernetes.Tests;

public sealed class WriteTests
{
    private const string V1 = "crd.projectcalico.org/v1";

    [Fact]
    public async Task Get_modify_put_keeps_unknown_fields_annotations_and_big_numbers()
    {
        await using var cluster = await TestCluster.StartAsync();
        var store = cluster.Server.Store;
        var seeded = store.List(V1, "ipamblocks")[0];
        var name = seeded["metadata"]!["name"]!.GetValue<string>();
        seeded["futureTopLevel"] = new JsonObject { ["nested"] = new JsonArray(1, "two", null, 3.5) };
        seeded["metadata"]!.AsObject()["annotations"] = new JsonObject { ["projectcalico.org/metadata"] = "{\"uid\":\"x\",\"creationTimestamp\":null}", ["ünïcode"] = "värde +<&>" };
        seeded["metadata"]!.AsObject()["labels"] = new JsonObject { ["team"] = "net" };
        seeded["spec"]!["sequenceNumber"] = JsonNode.Parse("18446744073709551615");
        seeded["spec"]!["someNewCalicoField"] = new JsonObject { ["enabled"] = true, ["ratio"] = JsonNode.Parse("1.000") };
        store.Upsert(seeded);
        var before = store.Get(V1, "ipamblocks", null, name)!;
        using var client = await cluster.ConnectAsync();

        var read = (await client.GetAsync(CalicoKind.IpamBlock, name))!;
        read["spec"]!["affinityClaimTime"] = "2030-01-01T00:00:00Z";
        var result = await client.UpdateAsync(CalicoKind.IpamBlock, read);

        Assert.Equal(UpdateOutcome.Updated, result.Outcome);
        var after = store.Get(V1, "ipamblocks", null, name)!;
        Assert.Equal("2030-01-01T00:00:00Z", after["spec"]!["affinityClaimTime"]!.GetValue<string>());
        Assert.Contains("18446744073709551615", after.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(after["metadata"]!["resourceVersion"]!.GetValue<string>(), result.Object!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(WithoutVolatile(before), WithoutVolatile(after)), $"before: {WithoutVolatile(before)}\nafter:  {WithoutVolatile(after)}");
    }

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_is_Conflict_and_changes_nothing()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var name = cluster.Server.Store.List(V1, "ipamblocks")[0]["metadata"]!["name"]!.GetValue<string>();
        var stale = (await client.GetAsync(CalicoKind.IpamBlock, name))!;
        var fresh = (await client.GetAsync(CalicoKind.IpamBlock, name))!;
        fresh["spec"]!["sequenceNumber"] = 7;
        Assert.True((await client.UpdateAsync(CalicoKind.IpamBlock, fresh)).IsUpdated);
        var stored = cluster.Server.Store.Get(V1, "ipamblocks", null, name)!.ToJsonString();
        stale["spec"]!["sequenceNumber"] = 8;

        var result = await client.UpdateAsync(CalicoKind.IpamBlock, stale);

        Assert.Equal(UpdateOutcome.Conflict, result.Outcome);
        Assert.Null(result.Object);
        Assert.Equal(stored, cluster.Server.Store.Get(V1, "ipamblocks", null, name)!.ToJsonString());
    }

    [Fact]
    public async Task Update_of_a_deleted_object_is_NotFound_and_an_object_without_resourceVersion_is_refused()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var name = cluster.Server.Store.List(V1, "ipamhandles")[0]["metadata"]!["name"]!.GetValue<string>();
        var handle = (await client.GetAsync(CalicoKind.IpamHandle, name))!;
        cluster.Server.Store.Delete(V1, "ipamhandles", null, name);

        Assert.Equal(UpdateOutcome.NotFound, (await client.UpdateAsync(CalicoKind.IpamHandle, handle)).Outcome);
        handle["metadata"]!.AsObject().Remove("resourceVersion");
        await Assert.ThrowsAsync<ArgumentException>(() => client.UpdateAsync(CalicoKind.IpamHandle, handle));
    }

    [Fact]
    public async Task Create_then_create_again_is_AlreadyExists()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var handle = new JsonObject
        {
            ["apiVersion"] = V1,
            ["kind"] = "IPAMHandle",
            ["metadata"] = new JsonObject { ["name"] = "k8s-pod-network.abc" },
            ["spec"] = new JsonObject { ["handleID"] = "k8s-pod-network.abc", ["block"] = new JsonObject { ["10.0.0.0/26"] = 1 }, ["deleted"] = false },
        };

        var created = await client.CreateAsync(CalicoKind.IpamHandle, handle);
        var again = await client.CreateAsync(CalicoKind.IpamHandle, handle);

        Assert.Equal(CreateOutcome.Created, created.Outcome);
        Assert.False(string.IsNullOrEmpty(created.Object!["metadata"]!["uid"]!.GetValue<string>()));
        Assert.Equal(CreateOutcome.AlreadyExists, again.Outcome);
        Assert.False(again.EarlierAttemptMayHaveApplied);
    }

    [Fact]
    public async Task Delete_preconditions_protect_against_a_different_uid()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var handle = cluster.Server.Store.List(V1, "ipamhandles")[0];
        var name = handle["metadata"]!["name"]!.GetValue<string>();
        var uid = handle["metadata"]!["uid"]!.GetValue<string>();

        var wrongUid = await client.DeleteAsync(CalicoKind.IpamHandle, name, uid: Guid.NewGuid().ToString());
        Assert.Equal(DeleteOutcome.Conflict, wrongUid.Outcome);
        Assert.NotNull(cluster.Server.Store.Get(V1, "ipamhandles", null, name));

        var staleVersion = await client.DeleteAsync(CalicoKind.IpamHandle, name, uid: uid, resourceVersion: "1");
        Assert.Equal(DeleteOutcome.Conflict, staleVersion.Outcome);
        Assert.NotNull(cluster.Server.Store.Get(V1, "ipamhandles", null, name));

        Assert.Equal(DeleteOutcome.Deleted, (await client.DeleteAsync(CalicoKind.IpamHandle, name, uid: uid)).Outcome);
        Assert.Null(cluster.Server.Store.Get(V1, "ipamhandles", null, name));
        Assert.Equal(DeleteOutcome.NotFound, (await client.DeleteAsync(CalicoKind.IpamHandle, name, uid: uid)).Outcome);
    }

    [Fact]
    public async Task ClusterInformation_lock_and_unlock_round_trip_through_UpdateAsync()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();

        var info = (await client.GetClusterInformationAsync())!;
        info["spec"]!["datastoreReady"] = false;
        var locked = await client.UpdateAsync(CalicoKind.ClusterInformation, info);
        Assert.True(locked.IsUpdated);
        Assert.False(cluster.Server.Store.Get(V1, "clusterinformations", null, "default")!["spec"]!["datastoreReady"]!.GetValue<bool>());

        locked.Object!["spec"]!["datastoreReady"] = true;
        Assert.True((await client.UpdateAsync(CalicoKind.ClusterInformation, locked.Object)).IsUpdated);
        Assert.True(cluster.Server.Store.Get(V1, "clusterinformations", null, "default")!["spec"]!["datastoreReady"]!.GetValue<bool>());
    }

    /// <summary>The object minus what the server changes on every write and the one field the test edits.</summary>
    private static JsonObject WithoutVolatile(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        var metadata = copy["metadata"]!.AsObject();
        metadata.Remove("resourceVersion");
        metadata.Remove("generation");
        metadata.Remove("managedFields");
        copy["spec"]!.AsObject().Remove("affinityClaimTime");
        return copy;
    }
}
