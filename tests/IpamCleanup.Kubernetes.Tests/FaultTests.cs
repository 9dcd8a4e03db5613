using System.Diagnostics;
using System.Text.Json.Nodes;
using IpamCleanup.Core;

namespace IpamCleanup.Kubernetes.Tests;

public sealed class FaultTests
{
    private const string V1 = "crd.projectcalico.org/v1";

    [Fact]
    public async Task Latency_slows_but_does_not_change_the_snapshot()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var expected = await client.ReadSnapshotAsync();
        cluster.Server.Faults.LatencyMs = 40;
        var before = client.RequestCount;
        var stopwatch = Stopwatch.StartNew();

        var snapshot = await client.ReadSnapshotAsync();

        Assert.True(stopwatch.ElapsedMilliseconds >= 40 * (client.RequestCount - before) * 0.9, $"{stopwatch.ElapsedMilliseconds} ms for {client.RequestCount - before} requests");
        AssertSameCounts(expected, snapshot);
    }

    [Fact]
    public async Task Too_many_requests_is_retried_after_the_Retry_After_delay()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        cluster.Server.Faults.RetryAfterSeconds = 1;
        cluster.Server.Faults.TooManyRequestsRate = 1;
        cluster.OnLog = line =>
        {
            if (line.Contains(" 429 in ", StringComparison.Ordinal))
            {
                cluster.Server.Faults.TooManyRequestsRate = 0;
            }
        };
        var before = client.RequestCount;
        var stopwatch = Stopwatch.StartNew();

        var info = await client.GetClusterInformationAsync();

        Assert.NotNull(info);
        Assert.Equal(2, client.RequestCount - before);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {stopwatch.ElapsedMilliseconds} ms; Retry-After was 1 s");
    }

    [Fact]
    public async Task Server_errors_are_retried_and_the_snapshot_is_complete()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync(o => { o.PageSize = 3; o.MaxRetries = 10; });
        var expected = await client.ReadSnapshotAsync();
        cluster.Server.Faults.Seed = 11;
        cluster.Server.Faults.ServerErrorRate = 0.4;

        var snapshot = await client.ReadSnapshotAsync();

        AssertSameCounts(expected, snapshot);
        Assert.Contains(cluster.Log, line => line.Contains(" 500 in ", StringComparison.Ordinal) || line.Contains(" 503 in ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_errors_that_persist_end_in_ApiServerError_after_the_retry_budget()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync(o => o.MaxRetries = 2);
        cluster.Server.Faults.ServerErrorRate = 1;
        var before = client.RequestCount;

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => client.GetClusterInformationAsync());

        Assert.Equal(KubeErrorIds.ApiServerError, error.ErrorId);
        Assert.Equal(3, client.RequestCount - before);
        TestSecrets.AssertNoSecret(error, TestSecrets.SandboxToken);
    }

    [Fact]
    public async Task A_request_slower_than_the_timeout_is_abandoned_retried_and_reported_as_unreachable()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync(o => { o.RequestTimeout = TimeSpan.FromMilliseconds(150); o.MaxRetries = 1; });
        cluster.Server.Faults.LatencyMs = 2000;
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => client.GetClusterInformationAsync());

        Assert.Equal(KubeErrorIds.ApiServerUnreachable, error.ErrorId);
        Assert.Contains("no complete response within 0.15 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 attempt", error.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1.5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Dropped_connections_are_retried_and_the_snapshot_is_complete()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync(o => { o.PageSize = 3; o.MaxRetries = 10; });
        var expected = await client.ReadSnapshotAsync();
        cluster.Server.Faults.Seed = 5;
        cluster.Server.Faults.DropRate = 0.3;

        var snapshot = await client.ReadSnapshotAsync();

        AssertSameCounts(expected, snapshot);
        Assert.Contains(cluster.Log, line => line.Contains(" failed after ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Conflict_on_update_surfaces_as_Conflict_is_not_retried_and_leaves_the_object_unchanged()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var name = cluster.Server.Store.List(V1, "ipamblocks")[0]["metadata"]!["name"]!.GetValue<string>();
        var block = (await client.GetAsync(CalicoKind.IpamBlock, name))!;
        var stored = cluster.Server.Store.Get(V1, "ipamblocks", null, name)!.ToJsonString();
        block["spec"]!["sequenceNumber"] = 1;
        cluster.Server.Faults.ConflictRate = 1;

        var result = await client.UpdateAsync(CalicoKind.IpamBlock, block);

        Assert.Equal(UpdateOutcome.Conflict, result.Outcome);
        Assert.False(result.EarlierAttemptMayHaveApplied);
        Assert.Single(cluster.Log, line => line.StartsWith("PUT ", StringComparison.Ordinal));
        Assert.Equal(stored, cluster.Server.Store.Get(V1, "ipamblocks", null, name)!.ToJsonString());
    }

    [Fact]
    public async Task Update_whose_response_was_lost_is_retried_and_reports_that_it_may_have_been_applied()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var name = cluster.Server.Store.List(V1, "ipamhandles")[0]["metadata"]!["name"]!.GetValue<string>();
        var handle = (await client.GetAsync(CalicoKind.IpamHandle, name))!;
        handle["metadata"]!.AsObject()["annotations"] = new JsonObject { ["example.com/touched"] = "yes" };
        DropFirstResponseOf("PUT ", cluster);

        var result = await client.UpdateAsync(CalicoKind.IpamHandle, handle);

        // The first PUT was applied and its response lost; the retry then hit its own new resourceVersion.
        Assert.Equal(UpdateOutcome.Conflict, result.Outcome);
        Assert.True(result.EarlierAttemptMayHaveApplied);
        Assert.Equal("yes", cluster.Server.Store.Get(V1, "ipamhandles", null, name)!["metadata"]!["annotations"]!["example.com/touched"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_whose_response_was_lost_reports_AlreadyExists_that_may_be_its_own()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        var handle = new JsonObject
        {
            ["apiVersion"] = V1,
            ["kind"] = "IPAMHandle",
            ["metadata"] = new JsonObject { ["name"] = "created-once" },
            ["spec"] = new JsonObject { ["handleID"] = "created-once", ["block"] = new JsonObject { ["10.0.0.0/26"] = 1 }, ["deleted"] = false },
        };
        DropFirstResponseOf("POST ", cluster);

        var result = await client.CreateAsync(CalicoKind.IpamHandle, handle);

        Assert.Equal(CreateOutcome.AlreadyExists, result.Outcome);
        Assert.True(result.EarlierAttemptMayHaveApplied);
        Assert.NotNull(cluster.Server.Store.Get(V1, "ipamhandles", null, "created-once"));
    }

    /// <summary>Cuts the connection of the first request whose log line starts with <paramref name="prefix"/>, then heals.</summary>
    private static void DropFirstResponseOf(string prefix, TestCluster cluster)
    {
        cluster.Server.Faults.DropRate = 1;
        cluster.OnLog = line =>
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal) && line.Contains(" failed after ", StringComparison.Ordinal))
            {
                cluster.Server.Faults.DropRate = 0;
            }
        };
    }

    private static void AssertSameCounts(Core.Snapshot.ClusterSnapshot expected, Core.Snapshot.ClusterSnapshot actual)
    {
        Assert.Equal(expected.Pods.Count, actual.Pods.Count);
        Assert.Equal(expected.Nodes.Count, actual.Nodes.Count);
        Assert.Equal(expected.Services.Count, actual.Services.Count);
        Assert.Equal(expected.Blocks.Count, actual.Blocks.Count);
        Assert.Equal(expected.Handles.Count, actual.Handles.Count);
        Assert.Equal(expected.Affinities.Count, actual.Affinities.Count);
        Assert.Equal(expected.Pools.Count, actual.Pools.Count);
        Assert.Equal(expected.Pods.Select(p => p.Uid).Order(), actual.Pods.Select(p => p.Uid).Order());
    }
}
