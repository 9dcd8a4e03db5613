using System.Net;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class DiscoveryTests
{
    [Theory]
    [InlineData(ApiLayout.V1, "crd.projectcalico.org,migration.projectcalico.org")]
    [InlineData(ApiLayout.V3, "migration.projectcalico.org,projectcalico.org")]
    [InlineData(ApiLayout.Both, "crd.projectcalico.org,migration.projectcalico.org,projectcalico.org")]
    public async Task The_layout_decides_which_Calico_groups_are_served(ApiLayout layout, string groups)
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Layout = layout });
        using var api = new ApiClient(server);

        var list = await api.GetAsync("/apis");

        Assert.Equal("APIGroupList", list.Object["kind"]!.GetValue<string>());
        Assert.Equal(groups, string.Join(',', list.Object["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Resource_lists_describe_every_served_resource()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Layout = ApiLayout.Both });
        using var api = new ApiClient(server);

        var core = await api.GetAsync("/api/v1");
        var v1 = await api.GetAsync("/apis/crd.projectcalico.org/v1");
        var v3 = await api.GetAsync("/apis/projectcalico.org/v3");
        var migration = await api.GetAsync("/apis/migration.projectcalico.org/v1");

        var pods = Resource(core, "pods");
        Assert.True(pods["namespaced"]!.GetValue<bool>());
        Assert.Equal("Pod", pods["kind"]!.GetValue<string>());
        Assert.Equal("pod", pods["singularName"]!.GetValue<string>());
        Assert.Equal(["po"], pods["shortNames"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(["create", "delete", "get", "list", "patch", "update"], pods["verbs"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.NotNull(Resource(core, "pods/status"));
        Assert.False(Resource(core, "nodes")["namespaced"]!.GetValue<bool>());
        Assert.True(Resource(core, "services")["namespaced"]!.GetValue<bool>());
        Assert.NotNull(Resource(core, "namespaces"));
        foreach (var plural in new[] { "ipamblocks", "ipamhandles", "blockaffinities", "ipamconfigs", "clusterinformations", "ippools", "kubecontrollersconfigurations" })
        {
            Assert.False(Resource(v1, plural)["namespaced"]!.GetValue<bool>());
        }

        Assert.Equal("IPAMConfig", Resource(v1, "ipamconfigs")["kind"]!.GetValue<string>());
        Assert.Equal("IPAMConfiguration", Resource(v3, "ipamconfigurations")["kind"]!.GetValue<string>());
        Assert.DoesNotContain(v3.Object["resources"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "ipamconfigs");
        Assert.Equal(["affinity", "affinities"], Resource(v3, "blockaffinities")["shortNames"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("DatastoreMigration", Resource(migration, "datastoremigrations")["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Version_group_and_openapi_documents_answer()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions());
        using var api = new ApiClient(server);

        var version = await api.GetAsync("/version");
        var group = await api.GetAsync("/apis/crd.projectcalico.org");
        var openApiRoot = await api.GetAsync("/openapi/v3");
        var openApi = await api.GetAsync(openApiRoot.Object["paths"]!["apis/crd.projectcalico.org/v1"]!["serverRelativeURL"]!.GetValue<string>());
        var openApiV2 = await api.GetAsync("/openapi/v2");

        Assert.Equal("1", version.Object["major"]!.GetValue<string>());
        Assert.Equal("crd.projectcalico.org/v1", group.Object["preferredVersion"]!["groupVersion"]!.GetValue<string>());
        var patch = openApi.Object["paths"]!["/apis/crd.projectcalico.org/v1/ipamblocks/{name}"]!["patch"]!;
        Assert.Equal("IPAMBlock", patch["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>());
        Assert.Equal("fieldValidation", patch["parameters"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, openApiV2.Status);
    }

    [Fact]
    public async Task Objects_of_the_v3_layout_live_in_their_own_store()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Layout = ApiLayout.Both });
        using var api = new ApiClient(server);
        var v3Block = Objects.Block("10.0.0.0/30");
        v3Block["apiVersion"] = "projectcalico.org/v3";

        await api.PostAsync("/apis/projectcalico.org/v3/ipamblocks", v3Block);

        Assert.Single((await api.GetAsync("/apis/projectcalico.org/v3/ipamblocks")).Items);
        Assert.Empty((await api.GetAsync(Objects.Blocks)).Items);
        var wrongGroup = await api.PostAsync(Objects.Blocks, v3Block);
        Assert.Equal(HttpStatusCode.BadRequest, wrongGroup.Status);
    }

    private static JsonObject Resource(ApiClient.Reply list, string name) =>
        list.Object["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == name)!.AsObject();
}
