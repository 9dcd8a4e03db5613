using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Tests.TestSupport;

namespace IpamCleanup.Core.Tests.Model;

public class TypedAccessorTests
{
    [Fact]
    public void V1_affinity_deleted_is_written_back_as_the_string_true()
    {
        var affinity = BlockAffinityObject.Parse("""
            {"apiVersion":"crd.projectcalico.org/v1","kind":"BlockAffinity","metadata":{"name":"n-10-0-0-0-26"},
             "spec":{"state":"confirmed","node":"n","cidr":"10.0.0.0/26","deleted":"false"}}
            """);

        Assert.False(affinity.Deleted);
        affinity.Deleted = true;

        var deleted = JsonNode.Parse(affinity.ToJsonString())!["spec"]!["deleted"]!;
        Assert.Equal(JsonValueKind.String, deleted.GetValueKind());
        Assert.Equal("true", deleted.GetValue<string>());
        Assert.True(affinity.Deleted);
    }

    [Fact]
    public void V3_affinity_deleted_is_written_back_as_a_boolean()
    {
        var affinity = BlockAffinityObject.Parse("""
            {"apiVersion":"projectcalico.org/v3","kind":"BlockAffinity","metadata":{"name":"n-10-0-0-0-26"},
             "spec":{"state":"confirmed","node":"n","cidr":"10.0.0.0/26","deleted":false}}
            """);

        affinity.Deleted = true;

        Assert.Equal(JsonValueKind.True, JsonNode.Parse(affinity.ToJsonString())!["spec"]!["deleted"]!.GetValueKind());
    }

    [Theory]
    [InlineData("crd.projectcalico.org/v1", JsonValueKind.String)]
    [InlineData("projectcalico.org/v3", JsonValueKind.True)]
    public void Affinity_without_a_deleted_field_uses_the_form_of_its_api_version(string apiVersion, JsonValueKind expected)
    {
        var affinity = BlockAffinityObject.Parse($$$"""{"apiVersion":"{{{apiVersion}}}","kind":"BlockAffinity","spec":{"node":"n"}}""");

        affinity.Deleted = true;

        Assert.Equal(expected, JsonNode.Parse(affinity.ToJsonString())!["spec"]!["deleted"]!.GetValueKind());
    }

    [Theory]
    [InlineData("\"\"", false)]
    [InlineData("\"True\"", true)]
    [InlineData("\"1\"", true)]
    [InlineData("\"garbage\"", false)]
    [InlineData("true", true)]
    public void Affinity_deleted_reads_go_bool_strings_and_booleans(string value, bool expected)
    {
        var affinity = BlockAffinityObject.Parse($$$"""{"kind":"BlockAffinity","spec":{"deleted":{{{value}}}}}""");

        Assert.Equal(expected, affinity.Deleted);
    }

    [Fact]
    public void Affinity_with_an_empty_type_is_a_host_affinity()
    {
        var affinity = BlockAffinityObject.Parse("""{"kind":"BlockAffinity","spec":{"type":"","node":"n"}}""");

        Assert.Equal("host", affinity.EffectiveType);
        Assert.Equal("", affinity.Type);
    }

    [Fact]
    public void Sequence_numbers_above_two_to_the_53_are_read_and_written_exactly()
    {
        const ulong big = 18_446_744_073_709_551_614UL;
        const ulong odd = 9_007_199_254_740_993UL; // 2^53 + 1: not representable as a double
        var json = new TestBlock("10.0.0.0/30", sequenceNumber: odd).Allocate(new[] { 0 }, "h", sequence: big).ToJson();
        var block = IpamBlockObject.Parse(json);

        Assert.Equal(odd, block.SequenceNumber);
        Assert.Equal(big, block.SequenceNumberForOrdinal(0));
        block.SequenceNumber = odd + 2;

        var text = block.ToJsonString();
        Assert.Contains("\"sequenceNumber\":9007199254740995", text, StringComparison.Ordinal);
        Assert.Contains("\"0\":18446744073709551614", text, StringComparison.Ordinal);
        Assert.Equal(odd + 2, IpamBlockObject.Parse(text).SequenceNumber);
    }

    [Fact]
    public void Missing_sequence_number_reads_as_zero()
    {
        var block = new TestBlock("10.0.0.0/30").With(spec => spec.Remove("sequenceNumber")).ToObject();

        Assert.Equal(0UL, block.SequenceNumber);
    }

    [Fact]
    public void Affinity_claim_time_is_written_as_rfc3339_and_removed_when_null()
    {
        var block = new TestBlock("10.0.0.0/30").ToObject();

        block.AffinityClaimTime = new DateTimeOffset(2025, 2, 3, 4, 5, 6, 700, TimeSpan.FromHours(2));
        Assert.Equal("2025-02-03T02:05:06Z", JsonNode.Parse(block.ToJsonString())!["spec"]!["affinityClaimTime"]!.GetValue<string>());

        block.AffinityClaimTime = null;
        Assert.False(block.Json["spec"]!.AsObject().ContainsKey("affinityClaimTime"));
    }

    [Fact]
    public void Ipam_config_fields_are_null_when_absent_and_set_individually()
    {
        var config = IpamConfigObject.Parse("""
            {"apiVersion":"crd.projectcalico.org/v1","kind":"IPAMConfig","metadata":{"name":"default"},
             "spec":{"strictAffinity":true,"autoAllocateBlocks":true,"other":1}}
            """);

        Assert.True(config.StrictAffinity);
        Assert.True(config.AutoAllocateBlocks);
        Assert.Null(config.MaxBlocksPerHost);
        Assert.Null(config.KubeVirtVMAddressPersistence);
        Assert.Null(config.IpCooldownSeconds);

        config.IpCooldownSeconds = 60;
        Assert.Equal(60, config.IpCooldownSeconds);
        Assert.Equal(1, JsonNode.Parse(config.ToJsonString())!["spec"]!["other"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("15m0s", 15 * 60)]
    [InlineData("1h0m0s", 3600)]
    [InlineData("0s", 0)]
    [InlineData("300ms", 0.3)]
    public void Kube_controllers_leak_grace_period_is_parsed_from_go_duration_text(string text, double seconds)
    {
        var config = new KubeControllersConfigurationObject(new JsonObject
        {
            ["kind"] = "KubeControllersConfiguration",
            ["spec"] = new JsonObject { ["controllers"] = new JsonObject { ["node"] = new JsonObject { ["leakGracePeriod"] = text, ["syncLabels"] = "Enabled" } } },
        });

        Assert.True(config.HasNodeController);
        Assert.Equal(TimeSpan.FromSeconds(seconds), config.LeakGracePeriod);
    }

    [Fact]
    public void Kube_controllers_without_a_grace_period_or_load_balancer_report_null()
    {
        var config = KubeControllersConfigurationObject.Parse("""{"kind":"KubeControllersConfiguration","spec":{"controllers":{}}}""");

        Assert.Null(config.LeakGracePeriod);
        Assert.False(config.HasNodeController);
        Assert.Null(config.LoadBalancerAssignIPs);
        Assert.False(config.HasLoadBalancerController);
    }

    [Fact]
    public void Setting_the_leak_grace_period_writes_go_duration_text()
    {
        var config = KubeControllersConfigurationObject.Parse("""{"kind":"KubeControllersConfiguration","spec":{"controllers":{"loadBalancer":{"assignIPs":"RequestedServicesOnly"}}}}""");

        config.LeakGracePeriod = TimeSpan.FromMinutes(15);

        Assert.Equal("15m0s", config.LeakGracePeriodText);
        Assert.Equal("RequestedServicesOnly", config.LoadBalancerAssignIPs);
    }

    [Fact]
    public void Ip_pool_block_size_defaults_by_family()
    {
        var v4 = IpPoolObject.Parse("""{"kind":"IPPool","spec":{"cidr":"10.0.0.0/16"}}""");
        var v6 = IpPoolObject.Parse("""{"kind":"IPPool","spec":{"cidr":"fd00::/48","blockSize":0}}""");
        var set = IpPoolObject.Parse("""{"kind":"IPPool","spec":{"cidr":"10.0.0.0/16","blockSize":28,"allowedUses":["Workload"],"disabled":true}}""");

        Assert.Equal(26, v4.EffectiveBlockSize);
        Assert.Equal(122, v6.EffectiveBlockSize);
        Assert.Equal(28, set.EffectiveBlockSize);
        Assert.Equal(new[] { "Workload" }, set.AllowedUses);
        Assert.True(set.Disabled);
    }

    [Fact]
    public void Element_factories_copy_the_element()
    {
        var element = JsonAssert.Element("""{"kind":"IPAMHandle","spec":{"handleID":"H","block":{"10.0.0.0/26":1}}}""");

        var handle = IpamHandleObject.FromElement(element);

        Assert.Equal("H", handle.HandleId);
        Assert.Equal(1, handle.Block["10.0.0.0/26"]);
    }

    [Fact]
    public void Block_converts_to_the_snapshot_record()
    {
        var block = new TestBlock("10.0.0.0/30").Allocate(new[] { 2 }, "h", sequence: 3).ToObject();

        var info = block.ToBlockInfo();

        Assert.Equal("10.0.0.0/30", info.Cidr.ToString());
        Assert.Equal(1, info.AllocatedCount);
        Assert.Equal(3UL, info.SequenceNumberOf(2));
        Assert.Equal("node-a", info.AffinityHost);
        Assert.Empty(info.ParseErrors);
    }
}
