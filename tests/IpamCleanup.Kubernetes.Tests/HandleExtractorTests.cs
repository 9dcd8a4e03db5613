using System.Text;
using System.Text.Json;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes.Tests;

/// <summary>The fast handle reader must yield exactly what Core's builder yields, soft-deleted handles left out.</summary>
public sealed class HandleExtractorTests
{
    private static readonly string[] EdgeCases =
    [
        """{"apiVersion":"crd.projectcalico.org/v1","kind":"IPAMHandle","metadata":{"name":"k8s-pod-network.abc","uid":"u1","resourceVersion":"12","creationTimestamp":"2025-01-01T00:00:00Z"},"spec":{"handleID":"k8s-pod-network.ABC","block":{"10.0.0.0/26":1,"fd00::/122":2},"deleted":false}}""",
        """{"metadata":{"name":"no-handle-id"},"spec":{"block":{"10.0.0.64/26":3}}}""",
        """{"metadata":{"name":"soft-deleted"},"spec":{"handleID":"x","block":{"10.0.0.0/26":1},"deleted":true}}""",
        """{"metadata":{"name":"soft-deleted-string"},"spec":{"handleID":"x","deleted":"true"}}""",
        """{"metadata":{"name":"deleted-junk"},"spec":{"handleID":"x","deleted":"maybe"}}""",
        """{"metadata":{"name":"odd-counts","creationTimestamp":"not a time"},"spec":{"handleID":"y","block":{"a":1.5,"b":"2","c":-1,"a":4,"d":9999999999}}}""",
        """{"metadata":{"name":"block-not-object"},"spec":{"block":[1,2],"handleID":7}}""",
        """{"metadata":{"uid":"no-name"},"spec":{"handleID":"nameless"}}""",
        """{"metadata":null,"spec":null}""",
        """{"metadata":{"name":"spec-twice"},"spec":{"handleID":"first","deleted":true},"spec":{"handleID":"second"}}""",
        """{"metadata":{"name":"spec-last-not-object"},"spec":{"deleted":true},"spec":"gone"}""",
    ];

    [Fact]
    public void Edge_cases_match_the_builder()
    {
        AssertSameAsBuilder(Page(EdgeCases));
    }

    [Fact]
    public async Task Generated_handles_match_the_builder()
    {
        await using var cluster = await TestCluster.StartAsync(generate: "nodes=20,pods=300,leakedPods=5,deletedNodes=2,orphanHandles=7,dualStack=true");
        var handles = cluster.Server.Store.List("crd.projectcalico.org/v1", "ipamhandles").Select(h => h.ToJsonString()).ToArray();

        AssertSameAsBuilder(Page(handles));
    }

    private static void AssertSameAsBuilder(byte[] page)
    {
        var extracted = new HandleExtractor().ExtractPage(page);

        var builder = new ClusterSnapshotBuilder("crd.projectcalico.org/v1", DateTimeOffset.UtcNow);
        using (var document = JsonDocument.Parse(page))
        {
            foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
            {
                builder.AddHandle(item);
            }
        }

        var expected = builder.Build().Handles;
        Assert.True(expected.Count > 0);
        Assert.Equal(expected.Select(h => JsonSerializer.Serialize(h)), extracted.Select(h => JsonSerializer.Serialize(h)));
    }

    private static byte[] Page(IEnumerable<string> items) =>
        Encoding.UTF8.GetBytes("""{"kind":"IPAMHandleList","apiVersion":"crd.projectcalico.org/v1","metadata":{"resourceVersion":"1"},"items":[""" + string.Join(",", items) + "]}");
}
