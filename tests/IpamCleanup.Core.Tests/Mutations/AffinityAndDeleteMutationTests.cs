using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Mutations;
using IpamCleanup.Core.Tests.TestSupport;

namespace IpamCleanup.Core.Tests.Mutations;

public class AffinityAndDeleteMutationTests
{
    private const string AffinityV1 = """
        {"apiVersion":"crd.projectcalico.org/v1","kind":"BlockAffinity","metadata":{"name":"node-a-10-0-0-0-26","resourceVersion":"4"},
         "spec":{"state":"confirmed","node":"node-a","type":"host","cidr":"10.0.0.0/26","deleted":"false"}}
        """;

    private const string AffinityV3 = """
        {"apiVersion":"projectcalico.org/v3","kind":"BlockAffinity","metadata":{"name":"node-a-10-0-0-0-26","resourceVersion":"4"},
         "spec":{"state":"confirmed","node":"node-a","type":"host","cidr":"10.0.0.0/26","deleted":false}}
        """;

    [Fact]
    public void Mark_pending_deletion_changes_only_the_state()
    {
        var affinity = BlockAffinityObject.Parse(AffinityV1);

        var previous = AffinityMutation.MarkPendingDeletion(affinity);

        Assert.Equal("confirmed", previous);
        Assert.Equal("pendingDeletion", affinity.State);
        JsonAssert.EqualExcept(AffinityV1, affinity.ToJsonString(), "spec", "state");
    }

    [Fact]
    public void Strip_affinity_removes_affinity_and_claim_time_and_bumps_the_sequence_number()
    {
        var block = new TestBlock("10.0.0.0/30", sequenceNumber: 10).Allocate(new[] { 1 }, "borrowed").ToObject();
        var before = block.ToJsonString();

        var previous = BlockMutation.StripAffinity(block);

        Assert.Equal("host:node-a", previous);
        Assert.Null(block.Affinity);
        Assert.Null(block.AffinityClaimTime);
        Assert.Equal(11UL, block.SequenceNumber);
        var expected = JsonNode.Parse(before)!;
        expected["spec"]!.AsObject().Remove("affinity");
        expected["spec"]!.AsObject().Remove("affinityClaimTime");
        expected["spec"]!["sequenceNumber"] = 11;
        JsonAssert.Equal(expected.ToJsonString(), block.ToJsonString());
    }

    [Fact]
    public void Soft_delete_of_a_block_sets_a_boolean_and_keeps_the_sequence_number()
    {
        var block = new TestBlock("10.0.0.0/30", sequenceNumber: 10).ToObject();
        var before = block.ToJsonString();

        SoftDelete.Mark(block);

        Assert.Equal(JsonValueKind.True, block.Json["spec"]!["deleted"]!.GetValueKind());
        Assert.Equal(10UL, block.SequenceNumber);
        JsonAssert.EqualExcept(before, block.ToJsonString(), "spec", "deleted");
    }

    [Fact]
    public void Soft_delete_of_a_handle_sets_a_boolean()
    {
        var handle = IpamHandleObject.Parse("""{"apiVersion":"crd.projectcalico.org/v1","kind":"IPAMHandle","spec":{"handleID":"h","block":{},"deleted":false}}""");

        SoftDelete.Mark(handle);

        Assert.Equal(JsonValueKind.True, handle.Json["spec"]!["deleted"]!.GetValueKind());
    }

    [Fact]
    public void Soft_delete_of_a_v1_affinity_sets_the_string_true()
    {
        var affinity = BlockAffinityObject.Parse(AffinityV1);

        SoftDelete.Mark(affinity);

        Assert.Equal("true", affinity.Json["spec"]!["deleted"]!.GetValue<string>());
    }

    [Fact]
    public void Soft_delete_of_a_v3_affinity_sets_a_boolean()
    {
        var affinity = BlockAffinityObject.Parse(AffinityV3);

        SoftDelete.Mark(affinity);

        Assert.Equal(JsonValueKind.True, affinity.Json["spec"]!["deleted"]!.GetValueKind());
        JsonAssert.EqualExcept(AffinityV3, affinity.ToJsonString(), "spec", "deleted");
    }

    [Fact]
    public void Soft_delete_of_an_untyped_wrapper_still_uses_the_kinds_form()
    {
        var wrapper = new CalicoObject(JsonNode.Parse(AffinityV1)!.AsObject());

        SoftDelete.Mark(wrapper);

        Assert.Equal("true", wrapper.Json["spec"]!["deleted"]!.GetValue<string>());
    }
}
