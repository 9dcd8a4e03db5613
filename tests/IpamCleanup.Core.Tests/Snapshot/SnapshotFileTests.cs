using System.Text;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Snapshot;
using IpamCleanup.Core.Tests.TestSupport;

namespace IpamCleanup.Core.Tests.Snapshot;

public sealed class SnapshotFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ipamcleanup-tests-" + Guid.NewGuid().ToString("N"));

    public SnapshotFileTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string content, Encoding? encoding = null)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, content, encoding ?? new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public void Kubectl_list_file_loads_into_a_snapshot()
    {
        var snapshot = SnapshotFile.Load(Write(SampleList.Json));

        Assert.Equal(5, snapshot.Pods.Count);
        Assert.Equal(2, snapshot.Nodes.Count);
        Assert.Equal(2, snapshot.Services.Count);
        Assert.Equal(2, snapshot.Blocks.Count);
        Assert.Single(snapshot.Handles);
        Assert.Single(snapshot.Affinities);
        Assert.Equal(2, snapshot.Pools.Count);
        Assert.Single(snapshot.Migrations);
        Assert.Equal(CalicoApiVersion.CrdV1, snapshot.ApiLayout);
        Assert.False(snapshot.ClusterInformation!.DatastoreReady);
        Assert.Equal("10.65.79.2", snapshot.FindPod("default", "web-0")!.StatusPodIP);
    }

    [Fact]
    public void Taken_at_defaults_to_the_file_time_and_can_be_given()
    {
        var path = Write(SampleList.Json);
        var fileTime = new DateTimeOffset(2024, 12, 31, 23, 0, 0, TimeSpan.Zero);
        File.SetLastWriteTimeUtc(path, fileTime.UtcDateTime);

        Assert.Equal(fileTime, SnapshotFile.Load(path).TakenAt);
        Assert.Equal(fileTime.AddDays(1), SnapshotFile.Load(path, takenAt: fileTime.AddDays(1)).TakenAt);
    }

    [Fact]
    public void Layout_is_detected_from_the_ipam_items()
    {
        var v3 = SampleList.Json.Replace("crd.projectcalico.org/v1", "projectcalico.org/v3", StringComparison.Ordinal).Replace("\"IPAMConfig\"", "\"IPAMConfiguration\"", StringComparison.Ordinal);

        var snapshot = SnapshotFile.Load(Write(v3));

        Assert.Equal(CalicoApiVersion.V3, snapshot.ApiLayout);
        Assert.Equal(2, snapshot.Blocks.Count);
        Assert.True(snapshot.Settings.StrictAffinity);
    }

    [Fact]
    public void Explicit_layout_is_used_for_a_file_with_both_groups()
    {
        var items = JsonNode.Parse(SampleList.Json)!["items"]!.AsArray();
        var v3Block = JsonNode.Parse("""
            {"apiVersion":"projectcalico.org/v3","kind":"IPAMBlock","metadata":{"name":"10-9-0-0-30"},
             "spec":{"cidr":"10.9.0.0/30","allocations":[null,null,null,null],"unallocated":[0,1,2,3],"attributes":[]}}
            """);
        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray(items.Select(i => i!.DeepClone()).Append(v3Block).ToArray()) };
        var path = Write(list.ToJsonString());

        Assert.Equal(2, SnapshotFile.Load(path).Blocks.Count);
        Assert.Equal("10.9.0.0/30", Assert.Single(SnapshotFile.Load(path, CalicoApiVersion.V3).Blocks).Cidr.ToString());
    }

    [Fact]
    public void Large_file_with_items_bigger_than_the_read_buffer_is_streamed()
    {
        var builder = new StringBuilder("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{},\"items\":[");
        for (var i = 0; i < 3000; i++)
        {
            builder.Append($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p{{{i}}}","namespace":"ns{{{i % 7}}}","uid":"u{{{i}}}","annotations":{"cni.projectcalico.org/podIP":"10.{{{i / 65536}}}.{{{i / 256 % 256}}}.{{{i % 256}}}/32"}},"spec":{"nodeName":"node-{{{i % 50}}}"},"status":{"phase":"Running","podIP":"10.0.{{{i / 256 % 256}}}.{{{i % 256}}}"}},""");
        }

        // One /16 block: 65,536 allocations make a single item of several hundred KiB.
        builder.Append("{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"IPAMBlock\",\"metadata\":{\"name\":\"10-0-0-0-16\"},\"spec\":{\"cidr\":\"10.0.0.0/16\",\"allocations\":[");
        builder.AppendJoin(',', Enumerable.Repeat("null", 65536));
        builder.Append("],\"unallocated\":[");
        builder.AppendJoin(',', Enumerable.Range(0, 65536));
        builder.Append("],\"attributes\":[],\"sequenceNumber\":1}}]}");

        var snapshot = SnapshotFile.Load(Write(builder.ToString()));

        Assert.Equal(3000, snapshot.Pods.Count);
        Assert.Equal("p2999", snapshot.Pods[^1].Name);
        var block = Assert.Single(snapshot.Blocks);
        Assert.Equal(65536, block.Allocations.Count);
        Assert.Empty(BlockValidator.Validate(block));
    }

    [Fact]
    public void Utf8_file_with_a_byte_order_mark_loads()
    {
        Assert.Equal(5, SnapshotFile.Load(Write(SampleList.Json, new UTF8Encoding(true))).Pods.Count);
    }

    [Fact]
    public void Utf16_file_written_by_windows_powershell_loads()
    {
        Assert.Equal(5, SnapshotFile.Load(Write(SampleList.Json, Encoding.Unicode)).Pods.Count);
    }

    [Fact]
    public void Stream_overload_loads_with_the_given_time()
    {
        var takenAt = new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(SampleList.Json));

        var snapshot = SnapshotFile.Load(stream, CalicoApiVersion.CrdV1, takenAt);

        Assert.Equal(takenAt, snapshot.TakenAt);
        Assert.Equal(2, snapshot.Blocks.Count);
    }

    [Fact]
    public void Empty_items_list_gives_an_empty_snapshot()
    {
        var snapshot = SnapshotFile.Load(Write("""{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}"""));

        Assert.Empty(snapshot.Pods);
        Assert.Equal(IpamSettings.Defaults, snapshot.Settings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"kind\":\"Pod\",")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}")]
    [InlineData("{\"apiVersion\":\"v1\",\"items\":[]}")]
    [InlineData("[{\"kind\":\"Pod\"}]")]
    [InlineData("{\"kind\":\"List\",\"items\":{}}")]
    [InlineData("{\"kind\":\"List\",\"items\":[],}")]
    public void File_that_is_not_a_kubectl_list_fails_with_snapshot_file_invalid(string content)
    {
        var error = Assert.Throws<IpamCleanupException>(() => SnapshotFile.Load(Write(content)));

        Assert.Equal("SnapshotFileInvalid", error.ErrorId);
        Assert.Equal("InvalidData", error.Category);
        Assert.Contains("kubectl get", error.RecommendedAction, StringComparison.Ordinal);
        Assert.EndsWith(".json", error.Target, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_fails_with_snapshot_file_not_found()
    {
        var error = Assert.Throws<IpamCleanupException>(() => SnapshotFile.Load(Path.Combine(_directory, "missing.json")));

        Assert.Equal("SnapshotFileNotFound", error.ErrorId);
        Assert.Equal("ObjectNotFound", error.Category);
    }

    [Fact]
    public void Directory_instead_of_a_file_fails_with_snapshot_file_unreadable()
    {
        var error = Assert.Throws<IpamCleanupException>(() => SnapshotFile.Load(_directory));

        Assert.Equal("SnapshotFileUnreadable", error.ErrorId);
        Assert.Equal("ReadError", error.Category);
    }
}
