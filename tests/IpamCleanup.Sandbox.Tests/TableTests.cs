using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class TableTests
{
    [Theory]
    [InlineData(59, "59s")]
    [InlineData(119, "119s")]
    [InlineData(150, "2m30s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 60, "3h1m")]
    [InlineData(20 * 3600, "20h")]
    [InlineData(3 * 86400 + 3600, "3d1h")]
    [InlineData(100 * 86400, "100d")]
    [InlineData(800 * 86400, "2y70d")]
    [InlineData(3000 * 86400, "8y")]
    public void Ages_read_like_kubectl(int seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public async Task A_table_request_gets_rows_with_cells_and_partial_metadata()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions());
        server.Store.Upsert(Objects.Pod("default", "web-0"));
        using var api = new ApiClient(server);
        api.Http.DefaultRequestHeaders.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));

        var table = (await api.GetAsync("/api/v1/pods?limit=10")).Object;

        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var row = table["rows"]![0]!;
        Assert.Equal("web-0", row["cells"]![0]!.GetValue<string>());
        Assert.Equal("0/1", row["cells"]![1]!.GetValue<string>());
        Assert.Equal("Running", row["cells"]![2]!.GetValue<string>());
        Assert.Equal("10.0.0.1", row["cells"]![5]!.GetValue<string>());
        Assert.Equal("PartialObjectMetadata", row["object"]!["kind"]!.GetValue<string>());
        Assert.Equal("default", row["object"]!["metadata"]!["namespace"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(server.Store.Get("v1", "pods", "default", "web-0")!["metadata"], row["object"]!["metadata"]));
    }
}
