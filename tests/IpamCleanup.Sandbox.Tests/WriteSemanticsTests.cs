using System.Net;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class WriteSemanticsTests : IAsyncLifetime
{
    private SandboxServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions());
        _api = new ApiClient(_server);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Create_sets_uid_creationTimestamp_resourceVersion_and_generation()
    {
        var created = await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.0/30"));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var metadata = created.Object["metadata"]!;
        Assert.True(Guid.TryParse(metadata["uid"]!.GetValue<string>(), out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", metadata["creationTimestamp"]!.GetValue<string>());
        Assert.Equal(1, metadata["generation"]!.GetValue<long>());
        Assert.Equal(_server.Store.ResourceVersion, Objects.RvNumber(created.Object));
    }

    [Fact]
    public async Task Creating_an_existing_object_is_409_AlreadyExists_Status()
    {
        await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.0/30"));

        var again = await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.0/30"));

        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("Status", again.Object["kind"]!.GetValue<string>());
        Assert.Equal("v1", again.Object["apiVersion"]!.GetValue<string>());
        Assert.Equal("Failure", again.Object["status"]!.GetValue<string>());
        Assert.Equal("AlreadyExists", again.Reason);
        Assert.Equal(409, again.Object["code"]!.GetValue<int>());
        Assert.Equal("ipamblocks.crd.projectcalico.org \"10-0-0-0-30\" already exists", again.Object["message"]!.GetValue<string>());
        Assert.Equal("10-0-0-0-30", again.Object["details"]!["name"]!.GetValue<string>());
        Assert.Equal("crd.projectcalico.org", again.Object["details"]!["group"]!.GetValue<string>());
        Assert.Equal("ipamblocks", again.Object["details"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_is_409_Conflict_and_leaves_the_object_unchanged()
    {
        var created = (await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.0/30"))).Object;
        var first = created.DeepClone().AsObject();
        first["spec"]!["sequenceNumber"] = 2;
        var updated = await _api.PutAsync(Objects.BlockPath("10.0.0.0/30"), first);
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.True(Objects.RvNumber(updated.Object) > Objects.RvNumber(created));

        var stale = created.DeepClone().AsObject();
        stale["spec"]!["sequenceNumber"] = 3;
        var conflict = await _api.PutAsync(Objects.BlockPath("10.0.0.0/30"), stale);

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal("Conflict", conflict.Reason);
        Assert.Contains("the object has been modified; please apply your changes to the latest version and try again", conflict.Object["message"]!.GetValue<string>());
        var stored = (await _api.GetAsync(Objects.BlockPath("10.0.0.0/30"))).Object;
        Assert.Equal(2, stored["spec"]!["sequenceNumber"]!.GetValue<long>());
        Assert.Equal(Objects.Rv(updated.Object), Objects.Rv(stored));
    }

    [Fact]
    public async Task Update_of_a_custom_resource_without_resourceVersion_is_rejected_and_of_a_pod_is_allowed()
    {
        var block = (await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.0/30"))).Object;
        block["metadata"]!.AsObject().Remove("resourceVersion");
        var blockReply = await _api.PutAsync(Objects.BlockPath("10.0.0.0/30"), block);

        var pod = (await _api.PostAsync("/api/v1/namespaces/default/pods", Objects.Pod("default", "web-0"))).Object;
        pod["metadata"]!.AsObject().Remove("resourceVersion");
        pod["metadata"]!["labels"] = new JsonObject { ["changed"] = "yes" };
        var podReply = await _api.PutAsync(Objects.PodPath("default", "web-0"), pod);

        // The API server answers 422 Invalid ("must be specified for an update") for custom resources.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, blockReply.Status);
        Assert.Equal("Invalid", blockReply.Reason);
        Assert.Equal(HttpStatusCode.OK, podReply.Status);
    }

    [Fact]
    public async Task Update_of_a_missing_object_is_404_NotFound_Status()
    {
        var block = Objects.Block("10.0.0.0/30");
        block["metadata"]!["resourceVersion"] = "1";

        var reply = await _api.PutAsync(Objects.BlockPath("10.0.0.0/30"), block);

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal("NotFound", reply.Reason);
        Assert.Equal("ipamblocks.crd.projectcalico.org \"10-0-0-0-30\" not found", reply.Object["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResourceVersion_is_one_global_counter_that_only_grows()
    {
        var seen = new List<long>();
        seen.Add(Objects.RvNumber((await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.0/30"))).Object));
        seen.Add(Objects.RvNumber((await _api.PostAsync("/api/v1/namespaces/default/pods", Objects.Pod("default", "a"))).Object));
        seen.Add(Objects.RvNumber((await _api.PostAsync(Objects.Handles, Objects.Handle("h1", "10.0.0.0/30"))).Object));
        seen.Add(Objects.RvNumber((await _api.PatchAsync(Objects.PodPath("default", "a"), JsonNode.Parse("""{"metadata":{"labels":{"x":"1"}}}""")!)).Object));
        await _api.DeleteAsync(Objects.Handles + "/h1");
        seen.Add(Objects.RvNumber((await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.4/30"))).Object));
        var list = await _api.GetAsync(Objects.Blocks);

        Assert.Equal(seen.Order(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(seen[^1], long.Parse(list.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(seen[^2] + 2, seen[^1]);
    }

    [Fact]
    public async Task Writing_identical_content_is_not_a_change_and_keeps_the_resourceVersion()
    {
        var created = (await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.0/30"))).Object;

        var same = await _api.PutAsync(Objects.BlockPath("10.0.0.0/30"), created);

        Assert.Equal(HttpStatusCode.OK, same.Status);
        Assert.Equal(Objects.Rv(created), Objects.Rv(same.Object));
    }

    [Fact]
    public async Task Generation_counts_spec_changes_only()
    {
        var created = (await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.0/30"))).Object;
        var labelled = (await _api.PatchAsync(Objects.BlockPath("10.0.0.0/30"), JsonNode.Parse("""{"metadata":{"labels":{"a":"b"}}}""")!)).Object;
        var specChanged = (await _api.PatchAsync(Objects.BlockPath("10.0.0.0/30"), JsonNode.Parse("""{"spec":{"deleted":true}}""")!)).Object;

        Assert.Equal(1, created["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(1, labelled["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(2, specChanged["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task Delete_with_a_wrong_uid_or_resourceVersion_precondition_is_409_and_deletes_nothing()
    {
        var created = (await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.0/30"))).Object;
        var path = Objects.BlockPath("10.0.0.0/30");

        var wrongUid = await _api.DeleteAsync(path, JsonNode.Parse($$$"""{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"{{{Guid.NewGuid()}}}"}}"""));
        var wrongRv = await _api.DeleteAsync(path, JsonNode.Parse("""{"preconditions":{"resourceVersion":"999"}}"""));

        Assert.Equal(HttpStatusCode.Conflict, wrongUid.Status);
        Assert.Equal("Conflict", wrongUid.Reason);
        Assert.Contains("Precondition failed: UID in precondition", wrongUid.Object["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, wrongRv.Status);
        Assert.Contains("Precondition failed: ResourceVersion in precondition: 999, ResourceVersion in object meta: 1", wrongRv.Object["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync(path)).Status);
        Assert.Equal(Objects.Rv(created), Objects.Rv((await _api.GetAsync(path)).Object));
    }

    [Fact]
    public async Task Delete_with_matching_preconditions_returns_the_object_and_removes_it()
    {
        var created = (await _api.PostAsync(Objects.Blocks, Objects.Block("10.0.0.0/30"))).Object;
        var path = Objects.BlockPath("10.0.0.0/30");

        var deleted = await _api.DeleteAsync(path, new JsonObject
        {
            ["preconditions"] = new JsonObject { ["uid"] = Objects.Uid(created), ["resourceVersion"] = Objects.Rv(created) },
        });

        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(Objects.Uid(created), Objects.Uid(deleted.Object));
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync(path)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.DeleteAsync(path)).Status);
        Assert.True(_server.Store.ResourceVersion > Objects.RvNumber(created));
    }

    [Fact]
    public async Task Dry_run_writes_answer_like_real_ones_but_change_nothing()
    {
        var reply = await _api.PostAsync(Objects.Blocks + "?dryRun=All", Objects.Block("10.0.0.0/30"));

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync(Objects.BlockPath("10.0.0.0/30"))).Status);
        Assert.Equal(0, _server.Writes.Total);
    }

    [Fact]
    public async Task GenerateName_gets_a_random_suffix()
    {
        var pod = Objects.Pod("default", "ignored");
        pod["metadata"]!.AsObject().Remove("name");
        pod["metadata"]!["generateName"] = "web-";

        var created = await _api.PostAsync("/api/v1/namespaces/default/pods", pod);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Matches("^web-[a-z0-9]{5}$", created.Object["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unsupported_verbs_are_405_and_unknown_paths_404_as_Status()
    {
        var deleteCollection = await _api.DeleteAsync(Objects.Blocks);
        var watch = await _api.GetAsync(Objects.Blocks + "?watch=true");
        var unknown = await _api.GetAsync("/apis/crd.projectcalico.org/v1/felixconfigurations");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, deleteCollection.Status);
        Assert.Equal("MethodNotAllowed", deleteCollection.Reason);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, watch.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("Status", unknown.Object["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wrong_token_is_401_and_no_token_is_anonymous()
    {
        using var wrong = new ApiClient(_server, token: "not-the-token");
        using var anonymous = new HttpClient { BaseAddress = _server.BaseUri };

        var unauthorized = await wrong.GetAsync(Objects.Blocks);
        using var anonymousReply = await anonymous.GetAsync(new Uri(Objects.Blocks, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
        Assert.Equal("Unauthorized", unauthorized.Reason);
        Assert.Equal(HttpStatusCode.OK, anonymousReply.StatusCode);
    }

    [Fact]
    public async Task Without_anonymous_access_a_missing_token_is_401()
    {
        await using var strict = await SandboxServer.StartAsync(new SandboxOptions { AllowAnonymous = false, Token = "t0ken" });
        using var anonymous = new HttpClient { BaseAddress = strict.BaseUri };
        using var right = new ApiClient(strict);

        using var reply = await anonymous.GetAsync(new Uri(Objects.Blocks, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync(Objects.Blocks)).Status);
    }
}
