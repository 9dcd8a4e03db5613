using System.Diagnostics;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class GeneratorTests
{
    private const string LeakySpec = "nodes=8,pods=120,seed=7,leakedPods=6,deletedNodes=2,orphanHandles=4,emptyBlocks=3";

    [Fact]
    public void The_same_spec_gives_byte_identical_objects_and_another_seed_does_not()
    {
        var first = ScenarioGenerator.Generate(LeakySpec).ToListJson();
        var second = ScenarioGenerator.Generate(LeakySpec).ToListJson();
        var other = ScenarioGenerator.Generate(LeakySpec.Replace("seed=7", "seed=8", StringComparison.Ordinal)).ToListJson();

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Counts_match_the_spec_and_the_truth()
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate(LeakySpec));
        var truth = cluster.Scenario.Truth;

        Assert.Equal(8, cluster.Of("Node").Count);
        Assert.Equal(120, cluster.Of("Pod").Count);
        Assert.Equal(8, truth.Nodes);
        Assert.Equal(120, truth.Pods);
        Assert.Equal(truth.Blocks, cluster.Of("IPAMBlock").Count);
        Assert.Equal(truth.Affinities, cluster.Of("BlockAffinity").Count);
        Assert.Equal(truth.Handles, cluster.Of("IPAMHandle").Count);
        Assert.Equal(6, truth.LeakedPodAllocations.Count);
        Assert.Equal(2, truth.DeletedNodes.Count);
        Assert.Equal(4, truth.OrphanHandles.Count);
        Assert.Equal(3, truth.EmptyBlocks.Count);
        Assert.Single(cluster.Of("ClusterInformation"));
        Assert.Single(cluster.Of("IPAMConfig"));
        Assert.Single(cluster.Of("KubeControllersConfiguration"));
        Assert.Single(cluster.Of("IPPool"));
        Assert.True(cluster.Of("Service").Count >= 2);
        Assert.Contains(cluster.Of("Namespace"), n => GeneratedCluster.Name(n) == "kube-system");
    }

    [Fact]
    public void Every_generated_block_satisfies_the_block_invariants()
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate(LeakySpec + ",dualStack=true"));

        Assert.All(cluster.Of("IPAMBlock"), BlockInvariants.AssertValid);
    }

    [Fact]
    public void Every_allocation_has_a_handle_with_the_same_count_and_only_orphans_have_none()
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate(LeakySpec + ",dualStack=true"));
        var allocations = cluster.AllocationsByHandle();
        var handles = cluster.Of("IPAMHandle").ToDictionary(h => GeneratedCluster.Spec(h)["handleID"]!.GetValue<string>());

        foreach (var ((handle, cidr), count) in allocations)
        {
            Assert.True(handles.TryGetValue(handle, out var handleObject), $"no IPAMHandle for {handle}");
            Assert.Equal(count, GeneratedCluster.Spec(handleObject)["block"]![cidr]!.GetValue<int>());
        }

        foreach (var (id, handle) in handles)
        {
            Assert.Equal(id.ToLowerInvariant(), GeneratedCluster.Name(handle));
            Assert.False(GeneratedCluster.Spec(handle)["deleted"]!.GetValue<bool>());
            var blocks = GeneratedCluster.Spec(handle)["block"]!.AsObject();
            var referenced = blocks.All(b => allocations.ContainsKey((id, b.Key)));
            Assert.Equal(!cluster.Scenario.Truth.OrphanHandles.Contains(id), referenced);
        }
    }

    [Fact]
    public void Live_pods_carry_their_allocation_in_annotations_and_status()
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate(LeakySpec));
        var byIp = cluster.AllocationsByIp();

        foreach (var pod in cluster.Of("Pod"))
        {
            var annotations = pod["metadata"]!["annotations"]!;
            var ip = pod["status"]!["podIP"]!.GetValue<string>();
            Assert.Equal(ip + "/32", annotations["cni.projectcalico.org/podIP"]!.GetValue<string>());
            var (handle, attribute, block) = byIp[ip];
            Assert.Equal("k8s-pod-network." + annotations["cni.projectcalico.org/containerID"]!.GetValue<string>(), handle);
            Assert.Matches("^k8s-pod-network\\.[0-9a-f]{64}$", handle);
            var secondary = attribute["secondary"]!;
            Assert.Equal(GeneratedCluster.Name(pod), secondary["pod"]!.GetValue<string>());
            Assert.Equal(pod["metadata"]!["namespace"]!.GetValue<string>(), secondary["namespace"]!.GetValue<string>());
            var node = pod["spec"]!["nodeName"]!.GetValue<string>();
            Assert.Equal(node, secondary["node"]!.GetValue<string>());
            Assert.Equal("host:" + node, GeneratedCluster.Spec(block)["affinity"]!.GetValue<string>());
            Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? \+0000 UTC$", secondary["timestamp"]!.GetValue<string>());
            Assert.InRange(pod.ToJsonString().Length, 2000, 4500);
        }
    }

    [Fact]
    public void Injected_leaks_are_where_the_truth_says()
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate(LeakySpec));
        var truth = cluster.Scenario.Truth;
        var pods = cluster.Of("Pod").Select(p => p["metadata"]!["namespace"]!.GetValue<string>() + "/" + GeneratedCluster.Name(p)).ToHashSet();
        var nodes = cluster.Of("Node").Select(GeneratedCluster.Name).ToHashSet();
        var byIp = cluster.AllocationsByIp();
        var blocks = cluster.Of("IPAMBlock").ToDictionary(GeneratedCluster.Name);
        var affinities = cluster.Of("BlockAffinity").ToDictionary(a => GeneratedCluster.Spec(a)["cidr"]!.GetValue<string>());

        foreach (var leak in truth.LeakedPodAllocations)
        {
            Assert.DoesNotContain(leak.Namespace + "/" + leak.Pod, pods);
            Assert.Contains(leak.Node, nodes);
            Assert.Equal(leak.HandleId, byIp[leak.Ip].Handle);
        }

        Assert.All(truth.DeletedNodes, n => Assert.DoesNotContain(n, nodes));
        Assert.All(truth.DeletedNodeBlocks, b => Assert.StartsWith("host:node-", GeneratedCluster.Spec(blocks[b])["affinity"]!.GetValue<string>()));
        Assert.All(truth.DeletedNodeAllocations, a => Assert.Contains(a.Node, truth.DeletedNodes));
        Assert.Equal(truth.DeletedNodes.Count, truth.DeletedNodeAllocations.Count(a => a.HandleId.StartsWith("vxlan-tunnel-addr-", StringComparison.Ordinal)));
        foreach (var name in truth.EmptyBlocks)
        {
            var spec = GeneratedCluster.Spec(blocks[name]);
            Assert.All(spec["allocations"]!.AsArray(), a => Assert.Null(a));
            Assert.Contains(spec["affinity"]!.GetValue<string>()[5..], nodes);
            Assert.True(affinities.ContainsKey(spec["cidr"]!.GetValue<string>()));
        }
    }

    [Fact]
    public void Nodes_announce_their_tunnel_address_and_own_it_in_a_block()
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate("nodes=4,pods=10,tunnel=vxlan,dualStack=true"));
        var byIp = cluster.AllocationsByIp();

        foreach (var node in cluster.Of("Node"))
        {
            var name = GeneratedCluster.Name(node);
            var v4 = node["metadata"]!["annotations"]!["projectcalico.org/IPv4VXLANTunnelAddr"]!.GetValue<string>();
            var v6 = node["metadata"]!["annotations"]!["projectcalico.org/IPv6VXLANTunnelAddr"]!.GetValue<string>();
            Assert.Equal("vxlan-tunnel-addr-" + name, byIp[v4].Handle);
            Assert.Equal("vxlanTunnelAddress", byIp[v4].Attribute["secondary"]!["type"]!.GetValue<string>());
            Assert.Equal(name, byIp[v4].Attribute["secondary"]!["node"]!.GetValue<string>());
            Assert.Equal("vxlan-v6-tunnel-addr-" + name, byIp[v6].Handle);
            Assert.Contains(':', v6);
        }

        Assert.Equal(2, cluster.Of("IPPool").Count);
        Assert.All(cluster.Of("Pod"), p => Assert.Equal(2, p["status"]!["podIPs"]!.AsArray().Count));
    }

    [Theory]
    [InlineData("ipip", "projectcalico.org/IPv4IPIPTunnelAddr", "ipip-tunnel-addr-")]
    [InlineData("wireguard", "projectcalico.org/IPv4WireguardInterfaceAddr", "wireguard-tunnel-addr-")]
    public void Other_tunnel_types_use_their_annotation_and_handle(string tunnel, string annotation, string handlePrefix)
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate($"nodes=2,pods=4,tunnel={tunnel}"));
        var byIp = cluster.AllocationsByIp();

        Assert.All(cluster.Of("Node"), n => Assert.StartsWith(handlePrefix, byIp[n["metadata"]!["annotations"]![annotation]!.GetValue<string>()].Handle));
    }

    [Fact]
    public void Without_a_tunnel_nodes_hold_only_pod_addresses()
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate("nodes=2,pods=4,tunnel=none"));

        Assert.All(cluster.AllocationsByHandle().Keys, k => Assert.StartsWith("k8s-pod-network.", k.Handle));
    }

    [Fact]
    public void Affinities_and_cluster_objects_look_like_Calico_wrote_them()
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate(LeakySpec));

        foreach (var affinity in cluster.Of("BlockAffinity"))
        {
            var spec = GeneratedCluster.Spec(affinity);
            Assert.Equal(CalicoNames.AffinityName(spec["node"]!.GetValue<string>(), spec["cidr"]!.GetValue<string>()), GeneratedCluster.Name(affinity));
            Assert.Equal("confirmed", spec["state"]!.GetValue<string>());
            Assert.Equal("false", spec["deleted"]!.GetValue<string>());
            Assert.Equal("host", spec["type"]!.GetValue<string>());
        }

        var info = GeneratedCluster.Spec(cluster.Of("ClusterInformation")[0]);
        Assert.Matches("^[0-9a-f]{32}$", info["clusterGUID"]!.GetValue<string>());
        Assert.Equal("k8s,bgp,kubeadm,kdd", info["clusterType"]!.GetValue<string>());
        Assert.Equal("v3.29.0", info["calicoVersion"]!.GetValue<string>());
        Assert.True(info["datastoreReady"]!.GetValue<bool>());
        var ipam = GeneratedCluster.Spec(cluster.Of("IPAMConfig")[0]);
        Assert.False(ipam["strictAffinity"]!.GetValue<bool>());
        Assert.True(ipam["autoAllocateBlocks"]!.GetValue<bool>());
        Assert.Equal(0, ipam["maxBlocksPerHost"]!.GetValue<int>());
        Assert.Equal("15m0s", cluster.Of("KubeControllersConfiguration")[0]["spec"]!["controllers"]!["node"]!["leakGracePeriod"]!.GetValue<string>());
        var pool = GeneratedCluster.Spec(cluster.Of("IPPool")[0]);
        Assert.Equal("10.0.0.0/12", pool["cidr"]!.GetValue<string>());
        Assert.Equal(26, pool["blockSize"]!.GetValue<int>());
    }

    [Fact]
    public void The_v3_layout_writes_native_kinds()
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate(ScenarioSpec.Parse("nodes=2,pods=4") with { Layout = ApiLayout.V3 }));

        Assert.Single(cluster.Of("IPAMConfiguration"));
        Assert.Empty(cluster.Of("IPAMConfig"));
        Assert.All(cluster.Of("IPAMBlock"), b => Assert.Equal("projectcalico.org/v3", b["apiVersion"]!.GetValue<string>()));
        Assert.All(cluster.Of("BlockAffinity"), a => Assert.False(GeneratedCluster.Spec(a)["deleted"]!.GetValue<bool>()));
    }

    [Fact]
    public void Small_blocks_fill_up_and_spill_into_more_blocks()
    {
        var cluster = new GeneratedCluster(ScenarioGenerator.Generate("nodes=2,pods=40,blockSize=30,tunnel=none"));

        Assert.All(cluster.Of("IPAMBlock"), BlockInvariants.AssertValid);
        Assert.True(cluster.Of("IPAMBlock").Count >= 10);
        Assert.Equal(40, cluster.AllocationsByHandle().Values.Sum());
    }

    [Fact]
    public async Task A_sandbox_started_with_a_spec_serves_the_scenario()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { GenerateSpec = LeakySpec });

        Assert.NotNull(server.Truth);
        Assert.Equal(120, server.Store.Count("v1", "pods"));
        Assert.Equal(server.Truth.Blocks, server.Store.Count(Objects.Calico, "ipamblocks"));
        Assert.Equal(server.Truth.Handles, server.Store.Count(Objects.Calico, "ipamhandles"));
    }

    [Fact]
    public void At_scale_nodes_average_two_to_three_blocks_and_generation_is_quick()
    {
        var watch = Stopwatch.StartNew();
        var scenario = ScenarioGenerator.Generate("nodes=1000,pods=30000,seed=3");
        var store = new SandboxStore();
        store.Seed(scenario.Items());
        watch.Stop();

        var blocksPerNode = (double)scenario.Truth.Blocks / scenario.Truth.Nodes;
        Assert.InRange(blocksPerNode, 2.0, 3.0);
        Assert.Equal(30000, store.Count("v1", "pods"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public void The_spec_parser_has_defaults_and_rejects_unknown_keys()
    {
        var defaults = ScenarioSpec.Parse("");
        var parsed = ScenarioSpec.Parse("nodes=5000,pods=150000,seed=7,leakedPods=200,deletedNodes=5,orphanHandles=100,emptyBlocks=50,dualStack=false,tunnel=vxlan");

        Assert.Equal(10, defaults.Nodes);
        Assert.Equal(100, defaults.Pods);
        Assert.Equal(new ScenarioSpec { Nodes = 5000, Pods = 150000, Seed = 7, LeakedPods = 200, DeletedNodes = 5, OrphanHandles = 100, EmptyBlocks = 50 }, parsed);
        Assert.Throws<ArgumentException>(() => ScenarioSpec.Parse("nodez=3"));
        Assert.Throws<ArgumentException>(() => ScenarioSpec.Parse("nodes=0"));
    }

    [Fact]
    public void Calico_names_follow_libcalico()
    {
        Assert.Equal("10-0-0-0-26", CalicoNames.BlockName("10.0.0.0/26"));
        // Each of the five colons becomes a dash (calico-ipam.md §1.13 shows one dash too few).
        Assert.Equal("fd5f-abcd-64---122", CalicoNames.BlockName("fd5f:abcd:64::/122"));
        Assert.Equal("node-a-10-0-0-0-26", CalicoNames.AffinityName("node-a", "10.0.0.0/26"));
        var longName = CalicoNames.AffinityName(new string('n', 260), "10.0.0.0/26");
        Assert.Equal(252, longName.Length);
        Assert.Matches("-10-0-0-0-26-[0-9a-f]{11}$", longName);
        Assert.Equal("k8s-pod-network.abc", CalicoNames.HandleName("K8s-Pod-Network.ABC"));
    }
}
