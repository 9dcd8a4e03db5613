using System.Text.Json.Nodes;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Tests.TestSupport;

namespace IpamCleanup.Core.Tests.Model;

public class LosslessModelTests
{
    private const string HandleJson = """
        {"apiVersion":"crd.projectcalico.org/v1","kind":"IPAMHandle",
         "metadata":{"name":"k8s-pod-network.abc","resourceVersion":"77","uid":"u-1","annotations":{"a.example/x":"1"},"finalizers":["keep"]},
         "spec":{"handleID":"k8s-pod-network.ABC","block":{"10.65.79.0/26":2,"fd00::/122":1},"deleted":false,"extra":{"z":[1,2]}}}
        """;

    private const string AffinityV1Json = """
        {"apiVersion":"crd.projectcalico.org/v1","kind":"BlockAffinity",
         "metadata":{"name":"node-a-10-65-79-0-26","resourceVersion":"5","uid":"u-2","labels":{"projectcalico.org/hostname-hash":"X"}},
         "spec":{"state":"confirmed","node":"node-a","type":"host","cidr":"10.65.79.0/26","deleted":"false","unknownFlag":7}}
        """;

    private const string ClusterInformationJson = """
        {"apiVersion":"crd.projectcalico.org/v1","kind":"ClusterInformation",
         "metadata":{"name":"default","resourceVersion":"9","annotations":{"projectcalico.org/metadata":"{\"creationTimestamp\":null}"}},
         "spec":{"clusterGUID":"abc","clusterType":"k8s,bgp,kdd","calicoVersion":"v3.31.0","datastoreReady":true,"variant":"Calico","futureField":"x"}}
        """;

    [Fact]
    public void Unmodified_block_serialises_to_the_same_json()
    {
        var original = new TestBlock("10.65.79.0/26").Allocate(new[] { 0, 2 }, "h1", new Dictionary<string, string> { ["node"] = "node-a" }, 41).ToJson();

        JsonAssert.Equal(original, IpamBlockObject.Parse(original).ToJsonString());
    }

    [Theory]
    [InlineData(HandleJson)]
    [InlineData(AffinityV1Json)]
    [InlineData(ClusterInformationJson)]
    public void Unmodified_objects_of_every_kind_serialise_to_the_same_json(string json)
    {
        JsonAssert.Equal(json, CalicoObject.Parse(json).ToJsonString());
    }

    [Fact]
    public void Setting_the_block_affinity_changes_only_that_field()
    {
        var original = new TestBlock("10.65.79.0/26").Allocate(new[] { 0 }, "h1").ToJson();
        var block = IpamBlockObject.Parse(original);

        block.Affinity = "host:node-b";

        JsonAssert.EqualExcept(original, block.ToJsonString(), "spec", "affinity");
        Assert.Equal("host:node-b", JsonNode.Parse(block.ToJsonString())!["spec"]!["affinity"]!.GetValue<string>());
    }

    [Fact]
    public void Setting_the_sequence_number_changes_only_that_field()
    {
        var original = new TestBlock("10.65.79.0/26").ToJson();
        var block = IpamBlockObject.Parse(original);

        block.SequenceNumber = 5;

        JsonAssert.EqualExcept(original, block.ToJsonString(), "spec", "sequenceNumber");
    }

    [Fact]
    public void Setting_the_resource_version_keeps_annotations_labels_and_managed_fields()
    {
        var original = new TestBlock("10.65.79.0/26").ToJson();
        var block = IpamBlockObject.Parse(original);

        block.ResourceVersion = "124";

        JsonAssert.EqualExcept(original, block.ToJsonString(), "metadata", "resourceVersion");
        Assert.Equal("me", block.Annotations["example.com/keep"]);
    }

    [Fact]
    public void Setting_an_annotation_leaves_the_others()
    {
        var block = IpamBlockObject.Parse(new TestBlock("10.65.79.0/26").ToJson());

        block.SetAnnotation("ipamcleanup.example/change", "CHG1");
        block.SetAnnotation("example.com/keep", null);

        Assert.Equal("CHG1", block.Annotations["ipamcleanup.example/change"]);
        Assert.False(block.Annotations.ContainsKey("example.com/keep"));
        Assert.True(block.Annotations.ContainsKey("projectcalico.org/metadata"));
    }

    [Fact]
    public void Handle_count_change_keeps_unknown_spec_and_metadata_fields()
    {
        var handle = IpamHandleObject.Parse(HandleJson);

        handle.SetBlockCount("10.65.79.0/26", 1);

        var after = JsonNode.Parse(handle.ToJsonString())!;
        Assert.Equal(1, after["spec"]!["block"]!["10.65.79.0/26"]!.GetValue<int>());
        Assert.Equal(1, after["spec"]!["block"]!["fd00::/122"]!.GetValue<int>());
        Assert.Equal("keep", after["metadata"]!["finalizers"]![0]!.GetValue<string>());
        Assert.Equal(2, after["spec"]!["extra"]!["z"]![1]!.GetValue<int>());
        Assert.Equal("k8s-pod-network.ABC", handle.HandleId);
    }

    [Fact]
    public void Deep_clone_is_independent_of_the_original()
    {
        var block = IpamBlockObject.Parse(new TestBlock("10.65.79.0/26").ToJson());

        var clone = block.DeepClone();
        clone.Affinity = null;

        Assert.Equal("host:node-a", block.Affinity);
        Assert.Null(clone.Affinity);
        Assert.IsType<IpamBlockObject>(clone);
    }

    [Fact]
    public void Parse_wraps_each_kind_in_its_typed_class()
    {
        Assert.IsType<IpamHandleObject>(CalicoObject.Parse(HandleJson));
        Assert.IsType<BlockAffinityObject>(CalicoObject.Parse(AffinityV1Json));
        Assert.IsType<ClusterInformationObject>(CalicoObject.Parse(ClusterInformationJson));
        Assert.IsType<IpamConfigObject>(CalicoObject.Parse("""{"kind":"IPAMConfiguration","spec":{}}"""));
        Assert.IsType<CalicoObject>(CalicoObject.Parse("""{"kind":"Namespace"}"""));
    }

    [Fact]
    public void Datastore_ready_false_is_written_as_an_explicit_boolean()
    {
        var info = ClusterInformationObject.Parse(ClusterInformationJson);

        info.DatastoreReady = false;

        var ready = JsonNode.Parse(info.ToJsonString())!["spec"]!["datastoreReady"]!;
        Assert.Equal(System.Text.Json.JsonValueKind.False, ready.GetValueKind());
        Assert.False(info.DatastoreReady);
        JsonAssert.EqualExcept(ClusterInformationJson, info.ToJsonString(), "spec", "datastoreReady");
    }

    [Fact]
    public void Datastore_ready_is_null_when_the_field_is_missing()
    {
        var info = ClusterInformationObject.Parse("""{"kind":"ClusterInformation","spec":{"clusterGUID":"g"}}""");

        Assert.Null(info.DatastoreReady);
        Assert.Equal("g", info.ClusterGuid);
    }

    [Fact]
    public void Block_typed_accessors_read_the_spec()
    {
        var block = new TestBlock("10.0.0.0/30")
            .Allocate(new[] { 1 }, "h\rjunk", new Dictionary<string, string> { ["pod"] = "p", ["namespace"] = "ns" }, 7)
            .ToObject();

        Assert.Equal("10.0.0.0/30", block.Cidr);
        Assert.Equal("10.0.0.0/30", block.CidrNet.ToString());
        Assert.Equal(new int?[] { null, 0, null, null }, block.Allocations);
        Assert.Equal(new[] { 0, 2, 3 }, block.Unallocated);
        Assert.Equal("h\rjunk", block.Attributes[0].HandleId);
        Assert.Equal("h", block.Attributes[0].SanitizedHandleId);
        Assert.Equal("p", block.Attributes[0].Get("pod"));
        Assert.Equal(7UL, block.SequenceNumberForOrdinal(1));
        Assert.Equal(0UL, block.SequenceNumberForOrdinal(2));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), block.AffinityClaimTime);
        Assert.Equal(1, block.AllocatedCount);
        Assert.False(block.Deleted);
    }

    [Fact]
    public void Reading_allocations_with_a_non_integer_entry_throws_format_exception()
    {
        var block = new TestBlock("10.0.0.0/30").With(spec => spec["allocations"]![1] = "x").ToObject();

        Assert.Throws<FormatException>(() => block.Allocations);
    }

    [Fact]
    public void Report_uid_is_bit_reversed_for_v1_objects_and_unchanged_for_v3()
    {
        var v1 = new TestBlock("10.0.0.0/30").ToObject();
        var v3 = new TestBlock("10.0.0.0/30", apiVersion: "projectcalico.org/v3").ToObject();

        Assert.Equal("0c8c26a6-c6a6-44c6-adc6-ac2646b46c1c", v1.ReportUid);
        Assert.Equal("30316465-6365-4463-ad63-3564622d3638", v3.ReportUid);
    }
}
