using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class FaultTests : IAsyncLifetime
{
    private SandboxServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions());
        _api = new ApiClient(_server);
        _server.Store.Upsert(Objects.Block("10.0.0.0/30"));
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Latency_delays_every_API_request()
    {
        await _api.GetAsync(Objects.Blocks);
        _server.Faults.LatencyMs = 150;

        var watch = Stopwatch.StartNew();
        await _api.GetAsync(Objects.Blocks);
        await _api.GetAsync(Objects.BlockPath("10.0.0.0/30"));

        Assert.True(watch.ElapsedMilliseconds >= 300, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Injected_conflicts_hit_writes_only_and_apply_nothing()
    {
        _server.Faults.ConflictRate = 1;
        var block = _server.Store.Get(Objects.Calico, "ipamblocks", null, "10-0-0-0-30")!;
        block["spec"]!["sequenceNumber"] = 99;

        var write = await _api.PutAsync(Objects.BlockPath("10.0.0.0/30"), block);
        var read = await _api.GetAsync(Objects.BlockPath("10.0.0.0/30"));

        Assert.Equal(HttpStatusCode.Conflict, write.Status);
        Assert.Equal("Conflict", write.Reason);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.NotEqual(99, read.Object["spec"]!["sequenceNumber"]!.GetValue<long>());
        Assert.Equal(0, _server.Writes.Total);
        Assert.Equal(1, _server.Writes.AttemptedCount("update", "ipamblocks"));
    }

    [Fact]
    public async Task A_conflict_rate_hits_about_that_fraction_of_writes()
    {
        _server.Faults.Seed = 42;
        _server.Faults.ConflictRate = 0.3;
        var conflicts = 0;
        for (var i = 0; i < 200; i++)
        {
            var reply = await _api.PatchAsync(Objects.BlockPath("10.0.0.0/30"), new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } } });
            conflicts += reply.Status == HttpStatusCode.Conflict ? 1 : 0;
        }

        Assert.InRange(conflicts, 35, 85);
        Assert.Equal(200 - conflicts, _server.Writes.Count("patch", "ipamblocks"));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_faults()
    {
        async Task<string> RunAsync()
        {
            _server.Faults.CopyFrom(FaultSettings.Parse("tooManyRequestsRate=0.2,serverErrorRate=0.2,conflictRate=0.3,seed=7"));
            var codes = new List<int>();
            for (var i = 0; i < 40; i++)
            {
                var reply = i % 2 == 0
                    ? await _api.GetAsync(Objects.Blocks)
                    : await _api.PatchAsync(Objects.BlockPath("10.0.0.0/30"), JsonNode.Parse("{}")!);
                codes.Add((int)reply.Status);
            }

            return string.Join(',', codes);
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains("429", first, StringComparison.Ordinal);
        Assert.Contains("409", first, StringComparison.Ordinal);
        Assert.Contains("200", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_requests_is_429_with_Retry_After()
    {
        _server.Faults.TooManyRequestsRate = 1;
        _server.Faults.RetryAfterSeconds = 3;

        var reply = await _api.GetAsync(Objects.Blocks);

        Assert.Equal(HttpStatusCode.TooManyRequests, reply.Status);
        Assert.Equal(TimeSpan.FromSeconds(3), reply.RetryAfter);
        Assert.Equal("TooManyRequests", reply.Reason);
        Assert.Equal(3, reply.Object["details"]!["retryAfterSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Server_errors_are_500_or_503_Status()
    {
        _server.Faults.Seed = 3;
        _server.Faults.ServerErrorRate = 1;

        var codes = new HashSet<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            var reply = await _api.GetAsync(Objects.Blocks);
            Assert.Equal("Status", reply.Object["kind"]!.GetValue<string>());
            codes.Add(reply.Status);
        }

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable], codes.Order());
    }

    [Fact]
    public async Task A_dropped_connection_surfaces_as_an_IO_failure_on_the_client()
    {
        _server.Faults.DropRate = 1;

        var error = await Record.ExceptionAsync(() => _api.Http.GetAsync(new Uri(Objects.Blocks, UriKind.Relative)));

        Assert.True(error is HttpRequestException or IOException, error?.ToString());
    }

    [Fact]
    public async Task A_dropped_write_is_still_applied_like_a_real_lost_response()
    {
        _server.Faults.DropRate = 1;

        var error = await Record.ExceptionAsync(() => _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.4/30")));

        Assert.NotNull(error);
        Assert.NotNull(_server.Store.Get(Objects.Calico, "ipamblocks", null, "10-0-0-4-30"));
        Assert.Equal(1, _server.Writes.Count("create", "ipamblocks"));
    }

    [Fact]
    public async Task An_expire_rate_answers_continued_lists_410_but_not_first_pages()
    {
        _server.Store.Upsert(Objects.Block("10.0.0.4/30"));
        _server.Faults.ExpireContinueRate = 1;

        var first = await _api.GetAsync(Objects.Blocks + "?limit=1");
        var next = await _api.GetAsync(Objects.Blocks + "?limit=1&continue=" + Uri.EscapeDataString(first.Body!["metadata"]!["continue"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.Gone, next.Status);
        Assert.Equal("Expired", next.Reason);
    }

    [Fact]
    public async Task Discovery_is_never_faulted()
    {
        _server.Faults.CopyFrom(FaultSettings.Parse("serverErrorRate=1,dropRate=1"));

        var reply = await _api.GetAsync("/apis");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Fact]
    public void The_faults_spec_parses_every_key()
    {
        var faults = FaultSettings.Parse("latencyMs=2,conflictRate=0.3,tooManyRequestsRate=0.1,retryAfterSeconds=4,serverErrorRate=0.05,dropRate=0.05,expireContinueRate=0.2,seed=1");

        Assert.Equal(2, faults.LatencyMs);
        Assert.Equal(0.3, faults.ConflictRate);
        Assert.Equal(0.1, faults.TooManyRequestsRate);
        Assert.Equal(4, faults.RetryAfterSeconds);
        Assert.Equal(0.05, faults.ServerErrorRate);
        Assert.Equal(0.05, faults.DropRate);
        Assert.Equal(0.2, faults.ExpireContinueRate);
        Assert.Equal(1, faults.Seed);
        Assert.Throws<ArgumentException>(() => FaultSettings.Parse("latency=1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultSettings.Parse("dropRate=2"));
    }
}
