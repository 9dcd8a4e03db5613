using System.Diagnostics;
using System.Text.Json.Nodes;
using IpamCleanup.Core;

namespace IpamCleanup.Kubernetes.Tests;

public sealed class PagingTests
{
    [Fact]
    public async Task Tiny_pages_deliver_every_object_once()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync(o => o.PageSize = 2);
        var uids = new List<string>();

        var count = await client.ListAsync(KubeResource.Pods, pod => uids.Add(pod.GetProperty("metadata").GetProperty("uid").GetString()!));

        var expected = cluster.Server.Store.List("v1", "pods").Select(Uid).Order().ToList();
        Assert.Equal(expected.Count, count);
        Assert.Equal(expected, uids.Order().ToList());
        var pageRequests = cluster.Log.Count(line => line.StartsWith("GET /api/v1/pods?limit=2", StringComparison.Ordinal));
        Assert.InRange(pageRequests, (expected.Count + 1) / 2, (expected.Count / 2) + 1);
    }

    [Fact]
    public async Task Expired_continue_token_mid_list_restarts_and_gives_complete_duplicate_free_data()
    {
        await using var cluster = await TestCluster.StartAsync();
        var store = cluster.Server.Store;
        var late = store.List("v1", "pods")[0].DeepClone().AsObject();
        late["metadata"] = new JsonObject { ["name"] = "aaa-created-during-the-list", ["namespace"] = late["metadata"]!["namespace"]!.GetValue<string>() };
        var expired = 0;
        cluster.OnLog = line =>
        {
            if (line.StartsWith("GET /api/v1/pods?limit=2", StringComparison.Ordinal) && line.Contains(" 200 ", StringComparison.Ordinal) &&
                Interlocked.Increment(ref expired) == 2)
            {
                // Second page received: compact (every continue token handed out so far expires) and add a pod
                // that sorts before everything already delivered.
                store.ExpireContinueTokens();
                store.Create(late);
            }
        };
        using var client = await cluster.ConnectAsync(o => o.PageSize = 2);
        var uids = new List<string>();

        await client.ListAsync(KubeResource.Pods, pod => uids.Add(pod.GetProperty("metadata").GetProperty("uid").GetString()!));

        Assert.Contains(cluster.Log, line => line.Contains(" 410 in ", StringComparison.Ordinal));
        Assert.Contains(cluster.Log, line => line.Contains("listing again from the start", StringComparison.Ordinal));
        Assert.Equal(uids.Count, uids.Distinct().Count());
        Assert.Equal(store.List("v1", "pods").Select(Uid).Order(), uids.Order());
    }

    [Fact]
    public async Task Continue_tokens_that_keep_expiring_end_in_ApiServerError_after_bounded_restarts()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Server.Faults.ExpireContinueRate = 1;
        using var client = await cluster.ConnectAsync(o => { o.PageSize = 2; o.MaxListRestarts = 2; });

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => client.ListAsync(KubeResource.Pods, _ => { }));

        Assert.Equal(KubeErrorIds.ApiServerError, error.ErrorId);
        Assert.Contains("expired 3 times", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, cluster.Log.Count(line => line.StartsWith("GET /api/v1/pods?limit=2 200", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Cancellation_stops_a_long_paged_read_promptly()
    {
        await using var cluster = await TestCluster.StartAsync(generate: "nodes=5,pods=200");
        cluster.Server.Faults.LatencyMs = 150;
        using var client = await cluster.ConnectAsync(o => o.PageSize = 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(600));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReadSnapshotAsync(cancellationToken: cts.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
        var requests = client.RequestCount;
        await Task.Delay(400);
        Assert.Equal(requests, client.RequestCount);
    }

    private static string Uid(JsonObject obj) => obj["metadata"]!["uid"]!.GetValue<string>();
}
