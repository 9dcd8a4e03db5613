using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class KubectlTests : IAsyncLifetime
{
    private SandboxServer _server = null!;
    private Kubectl _kubectl = null!;

    public async Task InitializeAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions { GenerateSpec = "nodes=3,pods=12,seed=5,emptyBlocks=1" });
        _kubectl = new Kubectl(_server);
    }

    public async Task DisposeAsync()
    {
        _kubectl.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Get_as_json_returns_the_stored_blocks()
    {
        var output = await _kubectl.RunOkAsync("get", "ipamblocks.crd.projectcalico.org", "-o", "json");

        var items = JsonNode.Parse(output)!["items"]!.AsArray();
        var stored = _server.Store.List(Objects.Calico, "ipamblocks");
        Assert.Equal(stored.Count, items.Count);
        Assert.Equal(stored.Select(Objects.Uid), items.Select(i => Objects.Uid(i!)));
        Assert.True(JsonNode.DeepEquals(stored[0], items[0]));
    }

    [Fact]
    public async Task Get_pods_in_all_namespaces_lists_every_pod()
    {
        var output = await _kubectl.RunOkAsync("get", "pods", "-A", "--chunk-size=5");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$", lines[0]);
        Assert.Equal(12, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Matches(@"\s1/1\s+Running\s+0\s+\d+(y\d*d?|d)$", l));
        foreach (var pod in _server.Store.List("v1", "pods"))
        {
            Assert.Contains(lines, l => l.Contains(GeneratedCluster.Name(pod), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Get_prints_the_columns_a_real_API_server_prints()
    {
        var nodes = await _kubectl.RunOkAsync("get", "nodes", "-o", "wide");
        var blocks = await _kubectl.RunOkAsync("get", "ipamblocks.crd.projectcalico.org");

        Assert.Matches(@"^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME\n", nodes);
        Assert.Contains("Ready    <none>", nodes, StringComparison.Ordinal);
        Assert.Matches(@"^NAME\s+CREATED AT\n", blocks);
    }

    [Fact]
    public async Task Delete_removes_the_block()
    {
        var name = GeneratedCluster.Name(_server.Store.List(Objects.Calico, "ipamblocks")[0]);

        var output = await _kubectl.RunOkAsync("delete", "ipamblock.crd.projectcalico.org", name);

        Assert.Contains("deleted", output, StringComparison.Ordinal);
        Assert.Null(_server.Store.Get(Objects.Calico, "ipamblocks", null, name));
        Assert.Equal(1, _server.Writes.Count("delete", "ipamblocks"));
    }

    [Fact]
    public async Task Apply_creates_and_then_updates_a_block_without_turning_validation_off()
    {
        var file = Path.Combine(_kubectl.WorkDirectory, "block.yaml");
        await File.WriteAllTextAsync(file, Manifest("first"));

        var created = await _kubectl.RunOkAsync("apply", "-f", file);
        await File.WriteAllTextAsync(file, Manifest("second"));
        var configured = await _kubectl.RunOkAsync("apply", "-f", file);

        Assert.Contains("created", created, StringComparison.Ordinal);
        Assert.Contains("configured", configured, StringComparison.Ordinal);
        var stored = _server.Store.Get(Objects.Calico, "ipamblocks", null, "10-200-0-0-30")!;
        Assert.Equal("second", stored["metadata"]!["annotations"]!["note"]!.GetValue<string>());
        Assert.Equal(7, stored["spec"]!["futureField"]!["x"]!.GetValue<int>());
        Assert.Equal(1, _server.Writes.Count("create", "ipamblocks"));
        Assert.Equal(1, _server.Writes.Count("patch", "ipamblocks"));
    }

    [Fact]
    public async Task Apply_updates_a_pod_with_a_strategic_merge_patch()
    {
        var file = Path.Combine(_kubectl.WorkDirectory, "pod.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: Pod\nmetadata: {name: p1, namespace: default}\nspec:\n  containers: [{name: c, image: img:1}]\n");
        await _kubectl.RunOkAsync("apply", "-f", file);
        await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: Pod\nmetadata: {name: p1, namespace: default, labels: {a: b}}\nspec:\n  containers: [{name: c, image: img:2}]\n");

        await _kubectl.RunOkAsync("apply", "-f", file);

        var pod = _server.Store.Get("v1", "pods", "default", "p1")!;
        Assert.Equal("img:2", pod["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("b", pod["metadata"]!["labels"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task Describe_shows_the_block()
    {
        var block = _server.Store.List(Objects.Calico, "ipamblocks")[0];

        var output = await _kubectl.RunOkAsync("describe", "ipamblock.crd.projectcalico.org", GeneratedCluster.Name(block));

        Assert.Contains("Name:         " + GeneratedCluster.Name(block), output, StringComparison.Ordinal);
        Assert.Contains("Kind:         IPAMBlock", output, StringComparison.Ordinal);
        Assert.Contains("Sequence Number:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_shows_a_pod_and_a_node()
    {
        var pod = _server.Store.List("v1", "pods")[0];
        var node = pod["spec"]!["nodeName"]!.GetValue<string>();

        var podOutput = await _kubectl.RunOkAsync("describe", "pod", "-n", pod["metadata"]!["namespace"]!.GetValue<string>(), GeneratedCluster.Name(pod));
        var nodeOutput = await _kubectl.RunOkAsync("describe", "node", node);

        Assert.Contains("IP:", podOutput, StringComparison.Ordinal);
        Assert.Contains(pod["status"]!["podIP"]!.GetValue<string>(), podOutput, StringComparison.Ordinal);
        Assert.Contains(GeneratedCluster.Name(pod), nodeOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forbidden_request_reaches_kubectl_as_the_API_servers_error()
    {
        _server.Rbac = new RbacPolicy(["list pods"]);

        var result = await _kubectl.RunAsync("get", "ipamhandles.crd.projectcalico.org");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Error from server (Forbidden)", result.Error, StringComparison.Ordinal);
        Assert.Contains("cannot list resource \"ipamhandles\" in API group \"crd.projectcalico.org\" at the cluster scope", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_v3_layout_is_served_to_kubectl_under_projectcalico_org()
    {
        await using var v3 = await SandboxServer.StartAsync(new SandboxOptions { Layout = ApiLayout.V3, GenerateSpec = "nodes=2,pods=3" });
        using var kubectl = new Kubectl(v3);

        var output = await kubectl.RunOkAsync("get", "ipamconfigurations.projectcalico.org", "-o", "name");
        var missing = await kubectl.RunAsync("get", "ipamblocks.crd.projectcalico.org");

        Assert.Equal("ipamconfiguration.projectcalico.org/default", output.Trim());
        Assert.NotEqual(0, missing.ExitCode);
    }

    private static string Manifest(string note) => $"""
        apiVersion: crd.projectcalico.org/v1
        kind: IPAMBlock
        metadata:
          name: 10-200-0-0-30
          annotations:
            note: {note}
        spec:
          cidr: 10.200.0.0/30
          affinity: host:node-0000
          allocations: [null, null, null, null]
          unallocated: [0, 1, 2, 3]
          attributes: []
          strictAffinity: false
          deleted: false
          futureField: {"{x: 7}"}
        """;
}
