using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes.Tests;

/// <summary>The fast pod reader must yield exactly what Core's builder yields, or live and file snapshots would disagree.</summary>
public sealed class PodExtractorTests
{
    private static readonly string[] EdgeCases =
    [
        """{"metadata":{"name":"plain","namespace":"ns","uid":"u1"},"spec":{"nodeName":"n1"},"status":{"phase":"Running","podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"},{"ip":"fd00::1"}]}}""",
        """{"metadata":{"namespace":"ns","uid":"no-name"},"spec":{"nodeName":"n1"}}""",
        """{"metadata":{"name":"no-namespace-no-uid"}}""",
        """{"metadata":null,"spec":{"nodeName":"n1"}}""",
        """{"metadata":{"name":"x","namespace":"ns","uid":7,"annotations":{"cni.projectcalico.org/podIP":"10.0.0.2/32","cni.projectcalico.org/podIPs":"10.0.0.2/32","cni.projectcalico.org/containerID":"abc","vpc.amazonaws.com/pod-ips":"10.1.1.1","other":"y"}}}""",
        """{"metadata":{"name":"cleared","namespace":"ns","annotations":{"cni.projectcalico.org/podIP":"","cni.projectcalico.org/podIPs":""},"deletionTimestamp":"2025-01-01T10:00:00.123456789Z"},"status":{"phase":"Succeeded"}}""",
        """{"metadata":{"name":"bad-time","deletionTimestamp":"yesterday","annotations":null},"spec":{"hostNetwork":true,"nodeName":null}}""",
        """{"metadata":{"name":"host-string","annotations":[1,2]},"spec":{"hostNetwork":"true"},"status":null}""",
        """{"metadata":{"name":"host-false"},"spec":{"hostNetwork":false},"status":{"podIPs":[]}}""",
        """{"metadata":{"name":"ips-odd"},"status":{"podIPs":[{"ip":"10.0.0.9"},{"notip":"x"},{"ip":5},{"ip":"10.0.0.10"}],"podIP":"10.0.0.10","reason":"Evicted","phase":"Failed"}}""",
        """{"metadata":{"name":"ips-not-array"},"status":{"podIPs":{"ip":"10.0.0.1"},"podIP":17}}""",
        """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"dup","namespace":"a","labels":{"x":"y"},"namespace":"b"},"spec":{"nodeName":"first","containers":[{"name":"c","env":[{"name":"metadata","value":"{}"}]}],"nodeName":"second"}}""",
        """{"metadata":{"name":"spec-twice"},"spec":{"nodeName":"gone"},"spec":{"hostNetwork":true},"status":{"phase":"Pending"}}""",
        """{"metadata":{"name":"escaped \u00e9\"quote","namespace":"n\u0073"},"status":{"podIP":"10.0.0.3"}}""",
        "17",
        "null",
    ];

    [Fact]
    public void Edge_cases_match_the_builder()
    {
        AssertSameAsBuilder(Page(EdgeCases));
    }

    [Fact]
    public async Task Generated_pods_match_the_builder()
    {
        await using var cluster = await TestCluster.StartAsync(generate: "nodes=20,pods=300,leakedPods=5,deletedNodes=2,dualStack=true");
        var pods = cluster.Server.Store.List("v1", "pods").Select(p => p.ToJsonString()).ToArray();

        AssertSameAsBuilder(Page(pods));
    }

    private static void AssertSameAsBuilder(byte[] page)
    {
        var extracted = new PodExtractor().ExtractPage(page);

        var builder = new ClusterSnapshotBuilder("crd.projectcalico.org/v1", DateTimeOffset.UtcNow);
        using (var document = JsonDocument.Parse(page))
        {
            foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
            {
                builder.AddPod(item);
            }
        }

        var expected = builder.Build().Pods;
        Assert.True(expected.Count > 0);
        Assert.Equal(expected.Select(Describe), extracted.Select(Describe));
    }

    /// <summary>Every public property, so a field Core adds to PodInfo is compared too.</summary>
    private static string Describe(PodInfo pod) => JsonSerializer.Serialize(pod);

    private static byte[] Page(IEnumerable<string> items) =>
        Encoding.UTF8.GetBytes("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[""" + string.Join(",", items) + "]}");
}
