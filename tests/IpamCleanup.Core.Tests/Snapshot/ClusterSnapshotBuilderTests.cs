using System.Text.Json;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Snapshot;
using IpamCleanup.Core.Tests.TestSupport;

namespace IpamCleanup.Core.Tests.Snapshot;

public class ClusterSnapshotBuilderTests
{
    private static readonly DateTimeOffset TakenAt = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static ClusterSnapshot BuildSample(string layout = CalicoApiVersion.CrdV1)
    {
        var builder = new ClusterSnapshotBuilder(layout, TakenAt);
        using var document = JsonDocument.Parse(SampleList.Json);
        foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
        {
            builder.Add(item);
        }

        return builder.Build();
    }

    private static JsonElement Element(string json) => JsonAssert.Element(json);

    [Fact]
    public void Pod_keeps_ips_annotations_node_and_phase()
    {
        var pod = BuildSample().FindPod("default", "web-0")!;

        Assert.Equal("pod-uid-1", pod.Uid);
        Assert.Equal("node-a", pod.NodeName);
        Assert.Equal("Running", pod.Phase);
        Assert.False(pod.HostNetwork);
        Assert.Equal("10.65.79.2", pod.StatusPodIP);
        Assert.Equal(new[] { "10.65.79.2", "fd5f:abcd:64::2" }, pod.StatusPodIPs);
        Assert.Equal("10.65.79.2/32", pod.AnnotationPodIP);
        Assert.Equal("10.65.79.2/32,fd5f:abcd:64::2/128", pod.AnnotationPodIPs);
        Assert.Equal("3f2a", pod.AnnotationContainerId);
        Assert.Null(pod.AwsPodIPs);
        Assert.Null(pod.DeletionTimestamp);
    }

    [Fact]
    public void Malformed_pod_ip_entries_are_skipped_instead_of_failing_the_scan()
    {
        var builder = new ClusterSnapshotBuilder(CalicoApiVersion.CrdV1, TakenAt);
        builder.AddPod(Element("""{"apiVersion":"v1","kind":"Pod","metadata":{"namespace":"ns","name":"p","uid":"u"},"spec":{"nodeName":"n"},"status":{"phase":"Running","podIP":"10.0.0.1","podIPs":["10.0.0.9",null,{"ip":"10.0.0.1"},{"ip":"fd00::1"}]}}"""));

        var pod = builder.Build().FindPod("ns", "p")!;

        Assert.Equal(new[] { "10.0.0.1", "fd00::1" }, pod.StatusPodIPs);
    }

    [Fact]
    public void Host_network_pod_is_marked()
    {
        var pod = BuildSample().FindPod("kube-system", "kube-proxy-x")!;

        Assert.True(pod.HostNetwork);
        Assert.Null(pod.AnnotationPodIP);
    }

    [Fact]
    public void Cleared_calico_annotation_is_empty_not_null_and_deletion_time_is_kept()
    {
        var pod = BuildSample().FindPod("default", "old-1")!;

        Assert.Equal("", pod.AnnotationPodIP);
        Assert.Equal("", pod.AnnotationPodIPs);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 10, 0, 0, TimeSpan.Zero), pod.DeletionTimestamp);
        Assert.Null(pod.StatusPodIP);
        Assert.Empty(pod.StatusPodIPs);
    }

    [Fact]
    public void Evicted_pod_keeps_reason_and_empty_aws_annotation()
    {
        var pod = BuildSample().FindPod("jobs", "evicted")!;

        Assert.Equal("Failed", pod.Phase);
        Assert.Equal("Evicted", pod.Reason);
        Assert.Equal("", pod.AwsPodIPs);
    }

    [Fact]
    public void Unscheduled_pod_has_no_node()
    {
        Assert.Null(BuildSample().FindPod("jobs", "pending")!.NodeName);
    }

    [Fact]
    public void Node_keeps_the_five_tunnel_annotations_and_the_migration_label()
    {
        var snapshot = BuildSample();
        var node = snapshot.FindNode("node-a")!;

        Assert.Equal("10.65.79.0", node.IPv4IPIPTunnelAddr);
        Assert.Equal("10.65.79.1", node.IPv4VXLANTunnelAddr);
        Assert.Equal("fd5f:abcd:64::1", node.IPv6VXLANTunnelAddr);
        Assert.Equal("10.65.79.3", node.IPv4WireguardInterfaceAddr);
        Assert.Equal("fd5f:abcd:64::3", node.IPv6WireguardInterfaceAddr);
        Assert.Equal("calico", node.NetworkDuringMigration);
        Assert.Empty(snapshot.FindNode("node-b")!.TunnelAddresses());
    }

    [Fact]
    public void Service_keeps_type_class_and_ingress_ips()
    {
        var service = BuildSample().Services.Single(s => s.Name == "lb");

        Assert.Equal("LoadBalancer", service.Type);
        Assert.Equal("calico", service.LoadBalancerClass);
        Assert.Equal("10.96.100.1", service.LoadBalancerIP);
        Assert.Equal(new[] { "10.96.100.1" }, service.IngressIPs);
    }

    [Fact]
    public void Namespaces_and_unknown_kinds_are_ignored()
    {
        var builder = new ClusterSnapshotBuilder(CalicoApiVersion.CrdV1, TakenAt);

        Assert.False(builder.Add(Element("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}""")));
        Assert.False(builder.Add(Element("""{"apiVersion":"crd.projectcalico.org/v1","kind":"FelixConfiguration","metadata":{"name":"default"}}""")));
        Assert.False(builder.Add(Element("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"}}""")));
        Assert.False(builder.Add(Element("""["not","an","object"]""")));
        Assert.Equal(0, builder.Count);
    }

    [Fact]
    public void Soft_deleted_blocks_handles_and_v1_affinities_are_skipped()
    {
        var snapshot = BuildSample();

        Assert.DoesNotContain(snapshot.Blocks, b => b.Name == "10-65-80-0-30");
        Assert.DoesNotContain(snapshot.Handles, h => h.HandleId == "gone");
        Assert.DoesNotContain(snapshot.Affinities, a => a.Node == "node-b");
        Assert.Equal(2, snapshot.Blocks.Count);
        Assert.Single(snapshot.Handles);
        Assert.Single(snapshot.Affinities);
    }

    [Fact]
    public void Block_keeps_allocations_attributes_and_sequence_numbers_as_read()
    {
        var block = BuildSample().FindBlock("10.65.79.0/26")!;

        Assert.Equal("10-65-79-0-26", block.Name);
        Assert.Equal("block-uid-1", block.Uid);
        Assert.Equal("101", block.ResourceVersion);
        Assert.Equal("node-a", block.AffinityHost);
        Assert.Equal(64, block.Allocations.Count);
        Assert.Equal(0, block.Allocations[0]);
        Assert.Equal(1, block.Allocations[2]);
        Assert.Equal(99, block.Allocations[63]);
        Assert.Equal(new[] { 3, 1, 4 }, block.Unallocated.Take(3));
        Assert.Equal(1_735_725_600_000_000_042UL, block.SequenceNumber);
        Assert.Equal(1_735_725_600_000_000_041UL, block.SequenceNumberOf(2));
        Assert.Equal(0UL, block.SequenceNumberOf(5));
        Assert.Equal("vxlanTunnelAddress", block.Attributes[0].Get("type"));
        Assert.Equal("web-0", block.Attributes[1].Get("pod"));
        Assert.True(block.Attributes[1].HasAlternateOwner);
        Assert.False(block.Attributes[0].HasAlternateOwner);
        Assert.Empty(block.ParseErrors);
        Assert.Contains("allocation 63 indexes a nonexistent attribute 99", BlockValidator.Validate(block, TakenAt));
    }

    [Fact]
    public void Malformed_block_is_kept_with_parse_errors_instead_of_throwing()
    {
        var block = BuildSample().Blocks.Single(b => b.Name == "broken");

        Assert.False(block.Cidr.IsValid);
        Assert.Equal(new int?[] { 0, null, null, null }, block.Allocations);
        Assert.Equal(new[] { 2 }, block.Unallocated);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), block.Attributes[0].ReleasedAt);
        Assert.Contains("cidr '10.65.999.0/30' is not a valid CIDR", block.ParseErrors);
        Assert.Contains("allocation 1 is not an attribute index: \"x\"", block.ParseErrors);
        Assert.Contains("unallocated[1] is not an ordinal: \"y\"", block.ParseErrors);
        Assert.Contains("sequenceNumber -5 is not an unsigned 64-bit integer", block.ParseErrors);
    }

    [Fact]
    public void Malformed_block_does_not_claim_every_address()
    {
        var snapshot = BuildSample();

        Assert.Empty(snapshot.BlocksContaining(System.Net.IPAddress.Parse("172.16.0.1")));
    }

    [Fact]
    public void Handle_and_affinity_records_hold_the_spec()
    {
        var snapshot = BuildSample();
        var handle = snapshot.FindHandle("k8s-pod-network.3f2a")!;
        var affinity = snapshot.Affinities.Single();

        Assert.Equal(1, handle.Blocks["10.65.79.0/26"]);
        Assert.Equal("201", handle.ResourceVersion);
        Assert.Equal("host", affinity.Type);
        Assert.Equal("confirmed", affinity.State);
        Assert.Equal("10.65.79.0/26", affinity.Cidr);
        Assert.Equal("node-a-10-65-79-0-26", affinity.Name);
    }

    [Fact]
    public void Pools_default_block_size_and_allowed_uses()
    {
        var pools = BuildSample().Pools;
        var v4 = pools.Single(p => p.Name == "default-ipv4-ippool");
        var v6 = pools.Single(p => p.Name == "default-ipv6-ippool");

        Assert.Equal(26, v4.BlockSize);
        Assert.Equal(new[] { "Workload", "Tunnel" }, v4.AllowedUses);
        Assert.Equal("all()", v4.NodeSelector);
        Assert.Equal(122, v6.BlockSize);
        Assert.True(v6.Disabled);
        Assert.Equal(new[] { "Workload" }, v6.AllowedUses);
    }

    [Fact]
    public void Pool_with_a_block_size_its_family_cannot_have_uses_the_default()
    {
        var builder = new ClusterSnapshotBuilder(CalicoApiVersion.CrdV1, TakenAt);

        builder.AddPool(Element("""{"metadata":{"name":"p"},"spec":{"cidr":"10.0.0.0/16","blockSize":64}}"""));

        Assert.Equal(26, Assert.Single(builder.Build().Pools).BlockSize);
    }

    [Fact]
    public void Configuration_singletons_become_settings_and_cluster_information()
    {
        var snapshot = BuildSample();

        Assert.Equal(CalicoApiVersion.CrdV1, snapshot.ApiLayout);
        Assert.Equal(TakenAt, snapshot.TakenAt);
        Assert.False(snapshot.ClusterInformation!.DatastoreReady);
        Assert.Equal("0f6e", snapshot.ClusterInformation.ClusterGuid);
        Assert.Equal("401", snapshot.ClusterInformation.ResourceVersion);
        Assert.Equal("me", snapshot.ClusterInformation.Annotations["ipamcleanup.example/locked-by"]);
        Assert.Equal(new IpamSettings(true, false, 5, 0, true, true, TimeSpan.FromMinutes(15), "AllServices"), snapshot.Settings);
        Assert.Equal("Migrating", snapshot.Migrations.Single().Phase);
        Assert.True(snapshot.Migrations.Single().InProgress);
    }

    [Fact]
    public void Missing_configuration_objects_give_calicos_defaults()
    {
        var snapshot = new ClusterSnapshotBuilder(CalicoApiVersion.CrdV1, TakenAt).Build();

        Assert.Equal(IpamSettings.Defaults, snapshot.Settings);
        Assert.Null(snapshot.ClusterInformation);
        Assert.Empty(snapshot.Pods);
    }

    [Fact]
    public void Items_without_api_version_belong_to_the_builders_layout()
    {
        var builder = new ClusterSnapshotBuilder(CalicoApiVersion.V3, TakenAt);
        builder.AddBlock(Element("""{"metadata":{"name":"10-0-0-0-30"},"spec":{"cidr":"10.0.0.0/30","allocations":[null,null,null,null],"unallocated":[0,1,2,3],"attributes":[]}}"""));
        builder.AddAffinity(Element("""{"metadata":{"name":"n-10-0-0-0-30"},"spec":{"node":"n","cidr":"10.0.0.0/30","state":"confirmed","deleted":false}}"""));

        var snapshot = builder.Build();

        Assert.Equal(CalicoApiVersion.V3, snapshot.ApiLayout);
        Assert.Single(snapshot.Blocks);
        Assert.Single(snapshot.Affinities);
    }

    [Fact]
    public void V3_affinity_with_deleted_true_is_skipped()
    {
        var builder = new ClusterSnapshotBuilder(CalicoApiVersion.V3, TakenAt);

        builder.AddAffinity(Element("""{"apiVersion":"projectcalico.org/v3","kind":"BlockAffinity","metadata":{"name":"a"},"spec":{"node":"n","cidr":"10.0.0.0/30","deleted":true}}"""));

        Assert.Empty(builder.Build().Affinities);
    }

    [Theory]
    [InlineData(CalicoApiVersion.CrdV1, "10.1.0.0/30")]
    [InlineData(CalicoApiVersion.V3, "10.3.0.0/30")]
    public void When_both_groups_hold_ipam_objects_the_layouts_group_wins(string layout, string expectedBlock)
    {
        var builder = new ClusterSnapshotBuilder(layout, TakenAt);
        builder.Add(Element(BlockJson(CalicoApiVersion.CrdV1, "10.1.0.0/30")));
        builder.Add(Element(BlockJson(CalicoApiVersion.V3, "10.3.0.0/30")));

        var snapshot = builder.Build();

        Assert.Equal(layout, snapshot.ApiLayout);
        Assert.Equal(expectedBlock, Assert.Single(snapshot.Blocks).Cidr.ToString());
    }

    [Fact]
    public void Layout_b_dump_takes_blocks_from_v1_and_affinities_from_the_aggregated_v3_group()
    {
        var builder = new ClusterSnapshotBuilder(TakenAt);
        builder.Add(Element(BlockJson(CalicoApiVersion.CrdV1, "10.1.0.0/30")));
        builder.Add(Element("""{"apiVersion":"projectcalico.org/v3","kind":"BlockAffinity","metadata":{"name":"n-10-1-0-0-30"},"spec":{"node":"n","cidr":"10.1.0.0/30","state":"confirmed","deleted":false}}"""));
        builder.Add(Element("""{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"p"},"spec":{"cidr":"10.1.0.0/16","blockSize":30}}"""));

        var snapshot = builder.Build();

        Assert.Equal(CalicoApiVersion.CrdV1, snapshot.ApiLayout);
        Assert.Single(snapshot.Blocks);
        Assert.Single(snapshot.Affinities);
        Assert.Equal(30, Assert.Single(snapshot.Pools).BlockSize);
    }

    [Fact]
    public void Auto_detection_picks_the_group_holding_the_blocks()
    {
        var builder = new ClusterSnapshotBuilder(TakenAt);
        builder.Add(Element(BlockJson(CalicoApiVersion.V3, "10.3.0.0/30")));

        Assert.Equal(CalicoApiVersion.V3, builder.Build().ApiLayout);
    }

    [Fact]
    public void Unknown_layout_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ClusterSnapshotBuilder("example.com/v1", TakenAt));
    }

    [Fact]
    public void Repeated_node_names_and_namespaces_share_one_string_instance()
    {
        var builder = new ClusterSnapshotBuilder(CalicoApiVersion.CrdV1, TakenAt);
        for (var i = 0; i < 2; i++)
        {
            builder.AddPod(Element($$$"""{"metadata":{"name":"p{{{i}}}","namespace":"team-a"},"spec":{"nodeName":"node-7"},"status":{"phase":"Running"}}"""));
        }

        var pods = builder.Build().Pods;

        Assert.Same(pods[0].NodeName, pods[1].NodeName);
        Assert.Same(pods[0].Namespace, pods[1].Namespace);
    }

    private static string BlockJson(string apiVersion, string cidr) => $$$"""
        {"apiVersion":"{{{apiVersion}}}","kind":"IPAMBlock","metadata":{"name":"{{{cidr.Replace('.', '-').Replace('/', '-')}}}"},
         "spec":{"cidr":"{{{cidr}}}","allocations":[null,null,null,null],"unallocated":[0,1,2,3],"attributes":[],"deleted":false,"strictAffinity":false}}
        """;
}
