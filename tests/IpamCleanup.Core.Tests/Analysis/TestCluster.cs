using System.Globalization;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Tests.Analysis;

/// <summary>Builds a <see cref="ClusterSnapshot"/> from records for analysis tests; handles and affinities are created automatically.</summary>
internal sealed class TestCluster
{
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Old = Now - TimeSpan.FromHours(2);
    public const string Guid = "0d3ef2a1c6b84a7c9e5f1b2c3d4e5f60";

    private readonly List<BlockBuilder> _blocks = new();
    private readonly List<HandleInfo> _handles = new();
    private readonly List<AffinityInfo> _affinities = new();
    private int _uid;

    public List<PodInfo> Pods { get; } = new();

    public List<NodeInfo> Nodes { get; } = new();

    public List<ServiceInfo> Services { get; } = new();

    public List<PoolInfo> Pools { get; } = new();

    public string ApiLayout { get; set; } = "crd.projectcalico.org/v1";

    public IpamSettings Settings { get; set; } = IpamSettings.Defaults;

    public ClusterInfoSummary? ClusterInformation { get; set; } =
        new("4242", Guid, "k8s,bgp,kubeadm,kdd", "v3.30.0", true, new Dictionary<string, string>());

    public bool AutoHandles { get; set; } = true;

    public bool AutoAffinities { get; set; } = true;

    public DateTimeOffset TakenAt { get; set; } = Now;

    public static string PodHandle(string sandbox) => "k8s-pod-network." + sandbox;

    public static string GoTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "12 +0000 UTC";

    public static string NameOf(string cidr) => cidr.Replace('.', '-').Replace(':', '-').Replace('/', '-');

    public string NextUid() => string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{++_uid:x12}");

    public TestCluster Pool(string cidr, int blockSize = 26, bool disabled = false, string? name = null)
    {
        Pools.Add(new PoolInfo(name ?? "pool-" + NameOf(cidr), IpNet.Parse(cidr), blockSize, disabled, null, new[] { "Workload", "Tunnel" }));
        return this;
    }

    public TestCluster Node(string name, string? ipip = null, string? vxlan = null, string? vxlanV6 = null, string? wireguard = null, string? wireguardV6 = null, string? migration = null)
    {
        Nodes.Add(new NodeInfo(name, NextUid(), ipip, vxlan, vxlanV6, wireguard, wireguardV6, migration));
        return this;
    }

    /// <summary>A running pod as kubelet and Calico CNI leave it: status IPs, the Calico annotations and the containerID.</summary>
    public static PodInfo RunningPod(string ns, string name, string? node, params string[] ips) =>
        new(ns, name, "uid-" + ns + "-" + name, node, "Running", null, false, null,
            ips.Length == 0 ? null : ips[0],
            ips,
            ips.Length == 0 ? null : WithPrefix(ips[0]),
            ips.Length == 0 ? null : string.Join(",", ips.Select(WithPrefix)),
            null,
            null);

    public TestCluster Pod(PodInfo pod)
    {
        Pods.Add(pod);
        return this;
    }

    public TestCluster Service(string ns, string name, params string[] ingress)
    {
        Services.Add(new ServiceInfo(ns, name, NextUid(), "LoadBalancer", null, null, ingress));
        return this;
    }

    public TestCluster Block(string cidr, string? affinity, Action<BlockBuilder> configure, DateTimeOffset? claimTime = null)
    {
        var builder = new BlockBuilder(cidr, affinity, NextUid()) { ClaimTime = claimTime ?? Old };
        configure(builder);
        _blocks.Add(builder);
        return this;
    }

    public TestCluster EmptyBlock(string cidr, string? affinity, DateTimeOffset? claimTime = null) => Block(cidr, affinity, _ => { }, claimTime);

    public TestCluster Handle(string handleId, DateTimeOffset? created = null, params (string Cidr, int Count)[] blocks)
    {
        _handles.Add(new HandleInfo(handleId.ToLowerInvariant(), NextUid(), "rv-" + handleId, created ?? Old, handleId,
            blocks.ToDictionary(b => b.Cidr, b => b.Count)));
        return this;
    }

    public TestCluster Affinity(string node, string cidr, string state = "confirmed", string type = "host", DateTimeOffset? created = null, string? name = null)
    {
        _affinities.Add(new AffinityInfo(name ?? node + "-" + NameOf(cidr), NextUid(), "arv-" + node + "-" + cidr, created ?? Old, node, type, cidr, state));
        return this;
    }

    public ClusterSnapshot Build()
    {
        var blocks = _blocks.Select(b => b.Build()).ToList();
        var handles = new List<HandleInfo>(_handles);
        if (AutoHandles)
        {
            var known = new HashSet<string>(handles.Select(h => h.HandleId), StringComparer.Ordinal);
            foreach (var group in blocks
                .SelectMany(b => b.Allocations.Where(a => a is { } i && i >= 0 && i < b.Attributes.Count).Select(a => (Block: b, Attribute: b.Attributes[a!.Value])))
                .Where(x => x.Attribute.SanitizedHandleId is { Length: > 0 } id && !id.Equals("windows-reserved-ipam-handle", StringComparison.OrdinalIgnoreCase))
                .GroupBy(x => x.Attribute.SanitizedHandleId!, StringComparer.Ordinal))
            {
                if (known.Add(group.Key))
                {
                    handles.Add(new HandleInfo(group.Key.ToLowerInvariant(), NextUid(), "rv-" + group.Key, Old, group.Key,
                        group.GroupBy(x => x.Block.Cidr.ToString()).ToDictionary(g => g.Key, g => g.Count())));
                }
            }
        }

        var affinities = new List<AffinityInfo>(_affinities);
        if (AutoAffinities)
        {
            foreach (var block in blocks.Where(b => b.Affinity is not null))
            {
                var type = block.AffinityType!;
                var node = block.Affinity![(type.Length + 1)..];
                var cidr = block.Cidr.ToString();
                if (!affinities.Any(a => a.Node == node && a.Cidr == cidr))
                {
                    affinities.Add(new AffinityInfo(node + "-" + NameOf(cidr), NextUid(), "arv-" + node + "-" + cidr, Old, node, type, cidr, "confirmed"));
                }
            }
        }

        return new ClusterSnapshot(TakenAt, ApiLayout, ClusterInformation, Settings, Pods, Nodes, Services, blocks, handles, affinities, Pools,
            Array.Empty<DatastoreMigrationInfo>());
    }

    public AnalysisResult Analyze(Func<AnalysisOptions, AnalysisOptions>? configure = null)
    {
        var options = new AnalysisOptions { Now = Now };
        return AnalyzeBothWays(Build(), configure is null ? options : configure(options));
    }

    /// <summary>
    /// Analyses on one thread and again on four (whatever the snapshot's size), asserts that both give the same
    /// findings, summary and allocations, and returns the result.
    /// </summary>
    public static AnalysisResult AnalyzeBothWays(ClusterSnapshot snapshot, AnalysisOptions options)
    {
        var sequential = LeakAnalyzer.Analyze(snapshot, options with { Parallelism = 1 });
        var parallel = LeakAnalyzer.Analyze(snapshot, options with { Parallelism = 4 });
        Assert.Equal(Json(sequential.Findings), Json(parallel.Findings));
        Assert.Equal(Json(sequential.Summary), Json(parallel.Summary));
        Assert.Equal(Json(sequential.Allocations), Json(parallel.Allocations));
        return sequential;

        static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value);
    }

    private static string WithPrefix(string ip) => ip + (ip.Contains(':', StringComparison.Ordinal) ? "/128" : "/32");
}
