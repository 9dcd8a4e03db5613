using System.Text.Json;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes;

/// <summary>One pod, node or service reduced to its snapshot record by Core's own parsing, so a live re-read and a snapshot agree.</summary>
internal static class SlimParser
{
    public static PodInfo? Pod(JsonElement pod, string apiLayout) => Single(apiLayout, b => b.AddPod(pod)).Pods.FirstOrDefault();

    public static NodeInfo? Node(JsonElement node, string apiLayout) => Single(apiLayout, b => b.AddNode(node)).Nodes.FirstOrDefault();

    public static ServiceInfo? Service(JsonElement service, string apiLayout) => Single(apiLayout, b => b.AddService(service)).Services.FirstOrDefault();

    private static ClusterSnapshot Single(string apiLayout, Action<ClusterSnapshotBuilder> add)
    {
        var builder = new ClusterSnapshotBuilder(apiLayout, DateTimeOffset.UtcNow);
        add(builder);
        return builder.Build();
    }
}
