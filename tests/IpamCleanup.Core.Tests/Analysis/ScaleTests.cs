using System.Diagnostics;
using System.Globalization;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;
using Xunit.Abstractions;

namespace IpamCleanup.Core.Tests.Analysis;

/// <summary>Kubernetes' ceiling (150,000 pods, 5,000 nodes) with ~12,000 /26 blocks: a sanity check, not a timed assert.</summary>
public class ScaleTests
{
    private readonly ITestOutputHelper _output;

    public ScaleTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Analysis_of_a_cluster_at_kubernetes_scale_finds_exactly_the_planted_problems()
    {
        const int nodes = 6_000;
        const int blocksPerNode = 2;
        const int podsPerBlock = 13;
        var snapshot = Generate(nodes, blocksPerNode, podsPerBlock, out var leaked, out var orphans);

        var clock = Stopwatch.StartNew();
        var result = LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = TestCluster.Now });
        clock.Stop();
        TestCluster.AnalyzeBothWays(snapshot, new AnalysisOptions { Now = TestCluster.Now });
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{snapshot.Pods.Count} pods, {snapshot.Blocks.Count} blocks, {snapshot.Handles.Count} handles: {clock.ElapsedMilliseconds} ms"));

        Assert.Equal(leaked, result.Summary.ReleasableCounts[FindingKind.LeakedIp]);
        Assert.Equal(orphans, result.Summary.ReleasableCounts[FindingKind.OrphanHandle]);
        Assert.Equal(0, result.Summary.FindingCounts[FindingKind.PartialHandle]);
        Assert.Equal(snapshot.Blocks.Sum(b => b.AllocatedCount), result.Allocations.Count);
    }

    private static ClusterSnapshot Generate(int nodeCount, int blocksPerNode, int podsPerBlock, out int leaked, out int orphans)
    {
        var pool = IpNet.Parse("10.0.0.0/8");
        var nodes = new List<NodeInfo>(nodeCount);
        var pods = new List<PodInfo>();
        var blocks = new List<BlockInfo>();
        var handles = new List<HandleInfo>();
        var affinities = new List<AffinityInfo>();
        var timestamp = TestCluster.GoTime(TestCluster.Old);
        leaked = 0;
        orphans = 0;
        var blockIndex = 0;
        for (var n = 0; n < nodeCount; n++)
        {
            var node = "node-" + n.ToString(CultureInfo.InvariantCulture);
            nodes.Add(new NodeInfo(node, "uid-" + node, null, null, null, null, null, null));
            for (var b = 0; b < blocksPerNode; b++, blockIndex++)
            {
                var cidr = IpNet.Containing(pool.AddressAt((UInt128)(blockIndex * 64)), 26);
                var allocations = new int?[64];
                var attributes = new List<AllocationAttribute>();
                var sequences = new Dictionary<int, ulong>();
                for (var p = 0; p < podsPerBlock; p++)
                {
                    var name = "pod-" + blockIndex.ToString(CultureInfo.InvariantCulture) + "-" + p.ToString(CultureInfo.InvariantCulture);
                    var handle = "k8s-pod-network." + name;
                    var ip = IpNet.FormatAddress(cidr.AddressAt((UInt128)p));
                    attributes.Add(new AllocationAttribute(handle,
                        new Dictionary<string, string> { ["namespace"] = "ns", ["pod"] = name, ["node"] = node, ["timestamp"] = timestamp }, false, null));
                    allocations[p] = attributes.Count - 1;
                    sequences[p] = (ulong)p;
                    handles.Add(new HandleInfo(handle, "uid-" + handle, "1", TestCluster.Old, handle, new Dictionary<string, int> { [cidr.ToString()] = 1 }));
                    if (p == 0 && blockIndex % 10 == 0)
                    {
                        leaked++;
                        continue;
                    }

                    pods.Add(TestCluster.RunningPod("ns", name, node, ip));
                }

                var cidrText = cidr.ToString();
                blocks.Add(new BlockInfo(TestCluster.NameOf(cidrText), "buid-" + cidrText, "1", TestCluster.Old, cidr, "host:" + node, TestCluster.Old,
                    allocations, Enumerable.Range(podsPerBlock, 64 - podsPerBlock).ToArray(), attributes, 1000, sequences, Array.Empty<string>()));
                affinities.Add(new AffinityInfo(node + "-" + TestCluster.NameOf(cidrText), "auid", "1", TestCluster.Old, node, "host", cidrText, "confirmed"));
            }
        }

        for (var h = 0; h < 5_000; h++)
        {
            var id = "k8s-pod-network.orphan-" + h.ToString(CultureInfo.InvariantCulture);
            handles.Add(new HandleInfo(id, "uid-" + id, "1", TestCluster.Old, id, new Dictionary<string, int>()));
            orphans++;
        }

        return new ClusterSnapshot(TestCluster.Now, "crd.projectcalico.org/v1", new ClusterInfoSummary("1", TestCluster.Guid, "k8s", "v3.30.0", true, new Dictionary<string, string>()),
            IpamSettings.Defaults, pods, nodes, Array.Empty<ServiceInfo>(), blocks, handles, affinities,
            new[] { new PoolInfo("default", pool, 26, false, null, new[] { "Workload" }) }, Array.Empty<DatastoreMigrationInfo>());
    }
}
