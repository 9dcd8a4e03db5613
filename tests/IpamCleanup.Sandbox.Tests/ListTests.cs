using System.Net;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class ListTests : IAsyncLifetime
{
    private SandboxServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions());
        _api = new ApiClient(_server);
        foreach (var (ns, name, app, tier) in new[]
        {
            ("kube-system", "coredns-1", "dns", "infra"),
            ("default", "web-1", "web", "front"),
            ("default", "web-0", "web", "front"),
            ("default-x", "api-0", "api", "back"),
            ("default", "api-1", "api", ""),
            ("a", "batch-0", "batch", "back"),
        })
        {
            var labels = new JsonObject { ["app"] = app };
            if (tier.Length > 0)
            {
                labels["tier"] = tier;
            }

            _server.Store.Upsert(Objects.Pod(ns, name, node: name.StartsWith("web", StringComparison.Ordinal) ? "node-a" : "node-b", labels));
        }
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_list_across_namespaces_is_ordered_by_namespace_then_name_like_etcd_keys()
    {
        var list = await _api.GetAsync("/api/v1/pods");

        Assert.Equal("PodList", list.Object["kind"]!.GetValue<string>());
        Assert.Equal("v1", list.Object["apiVersion"]!.GetValue<string>());
        Assert.Equal(_server.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), list.ResourceVersion);
        // "default-x/" sorts before "default/" because '-' < '/', exactly as the etcd keys do.
        Assert.Equal(["a/batch-0", "default-x/api-0", "default/api-1", "default/web-0", "default/web-1", "kube-system/coredns-1"], Keys(list.Items));
    }

    [Fact]
    public async Task A_list_within_a_namespace_holds_only_that_namespace()
    {
        var list = await _api.GetAsync("/api/v1/namespaces/default/pods");

        Assert.Equal(["default/api-1", "default/web-0", "default/web-1"], Keys(list.Items));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Tiny_pages_cover_every_item_exactly_once_in_order(int limit)
    {
        var all = Keys((await _api.GetAsync("/api/v1/pods")).Items);
        var paged = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await _api.GetAsync($"/api/v1/pods?limit={limit}" + (next is null ? "" : "&continue=" + Uri.EscapeDataString(next)));
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.True(page.Items.Count <= limit);
            paged.AddRange(Keys(page.Items));
            next = page.Body!["metadata"]!["continue"]?.GetValue<string>();
            var remaining = page.Body!["metadata"]!["remainingItemCount"]?.GetValue<long>();
            Assert.Equal(next is null ? null : all.Count - paged.Count, remaining);
            pages++;
        }
        while (next is not null);

        Assert.Equal(all, paged);
        Assert.Equal((all.Count + limit - 1) / limit, pages);
    }

    [Fact]
    public async Task Paging_within_a_namespace_stays_in_it()
    {
        var first = await _api.GetAsync("/api/v1/namespaces/default/pods?limit=2");
        var second = await _api.GetAsync("/api/v1/namespaces/default/pods?limit=2&continue=" + Uri.EscapeDataString(first.Body!["metadata"]!["continue"]!.GetValue<string>()));

        Assert.Equal(["default/api-1", "default/web-0"], Keys(first.Items));
        Assert.Equal(["default/web-1"], Keys(second.Items));
        Assert.Null(second.Body!["metadata"]!["continue"]);
    }

    [Fact]
    public async Task A_continue_token_from_before_a_compaction_is_410_Expired()
    {
        var first = await _api.GetAsync("/api/v1/pods?limit=2");
        _server.Store.ExpireContinueTokens();

        var expired = await _api.GetAsync("/api/v1/pods?limit=2&continue=" + Uri.EscapeDataString(first.Body!["metadata"]!["continue"]!.GetValue<string>()));
        var fresh = await _api.GetAsync("/api/v1/pods?limit=2");

        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Equal("Expired", expired.Reason);
        Assert.Equal(410, expired.Object["code"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, fresh.Status);
    }

    [Fact]
    public async Task A_malformed_continue_token_is_400()
    {
        var reply = await _api.GetAsync("/api/v1/pods?limit=2&continue=not-a-token");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("BadRequest", reply.Reason);
    }

    [Theory]
    [InlineData("app=web", "default/web-0,default/web-1")]
    [InlineData("app==web", "default/web-0,default/web-1")]
    [InlineData("app!=web", "a/batch-0,default-x/api-0,default/api-1,kube-system/coredns-1")]
    [InlineData("app in (api,dns)", "default-x/api-0,default/api-1,kube-system/coredns-1")]
    [InlineData("app notin (api,dns),tier", "a/batch-0,default/web-0,default/web-1")]
    [InlineData("!tier", "default/api-1")]
    [InlineData("tier,tier!=front", "a/batch-0,default-x/api-0,kube-system/coredns-1")]
    [InlineData("app=web,tier=back", "")]
    public async Task Label_selectors_filter_like_the_API_server(string selector, string expected)
    {
        var list = await _api.GetAsync("/api/v1/pods?labelSelector=" + Uri.EscapeDataString(selector));

        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(expected, string.Join(',', Keys(list.Items)));
    }

    [Theory]
    [InlineData("metadata.name=web-0", "default/web-0")]
    [InlineData("metadata.namespace=default-x", "default-x/api-0")]
    [InlineData("metadata.namespace!=default,metadata.namespace!=default-x", "a/batch-0,kube-system/coredns-1")]
    [InlineData("spec.nodeName=node-a,status.phase!=Failed", "default/web-0,default/web-1")]
    public async Task Field_selectors_filter_on_name_namespace_and_other_fields(string selector, string expected)
    {
        var list = await _api.GetAsync("/api/v1/pods?fieldSelector=" + Uri.EscapeDataString(selector));

        Assert.Equal(expected, string.Join(',', Keys(list.Items)));
    }

    [Fact]
    public async Task Selectors_combine_with_paging_and_hide_the_remaining_count()
    {
        var page = await _api.GetAsync("/api/v1/pods?limit=1&labelSelector=" + Uri.EscapeDataString("app in (api,web)"));

        Assert.Equal(["default-x/api-0"], Keys(page.Items));
        Assert.NotNull(page.Body!["metadata"]!["continue"]);
        Assert.Null(page.Body!["metadata"]!["remainingItemCount"]);
    }

    [Fact]
    public async Task A_cluster_scoped_list_names_its_list_kind_and_group()
    {
        _server.Store.Upsert(Objects.Block("10.0.0.4/30"));
        _server.Store.Upsert(Objects.Block("10.0.0.0/30"));

        var list = await _api.GetAsync(Objects.Blocks);

        Assert.Equal("IPAMBlockList", list.Object["kind"]!.GetValue<string>());
        Assert.Equal(Objects.Calico, list.Object["apiVersion"]!.GetValue<string>());
        Assert.Equal(["10-0-0-0-30", "10-0-0-4-30"], list.Items.Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
    }

    private static List<string> Keys(JsonArray items) =>
        items.Select(i => i!["metadata"]!["namespace"]!.GetValue<string>() + "/" + i["metadata"]!["name"]!.GetValue<string>()).ToList();
}
