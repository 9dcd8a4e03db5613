using IpamCleanup.Core.Model;
using IpamCleanup.Core.Mutations;
using IpamCleanup.Core.Tests.TestSupport;

namespace IpamCleanup.Core.Tests.Mutations;

public class HandleMutationTests
{
    private static IpamHandleObject Handle(string blocks) => IpamHandleObject.Parse($$$"""
        {"apiVersion":"crd.projectcalico.org/v1","kind":"IPAMHandle","metadata":{"name":"h","resourceVersion":"3"},
         "spec":{"handleID":"H","block":{{{{blocks}}}},"deleted":false}}
        """);

    [Fact]
    public void Decrement_leaving_addresses_updates_the_count()
    {
        var handle = Handle("\"10.0.0.0/26\":3");

        var result = HandleMutation.Decrement(handle, "10.0.0.0/26", 2);

        Assert.Equal(HandleDecrementOutcome.Updated, result.Outcome);
        Assert.Equal(1, result.Remaining);
        Assert.Equal(1, handle.Block["10.0.0.0/26"]);
    }

    [Fact]
    public void Decrement_to_zero_removes_the_block_entry_and_keeps_the_others()
    {
        var handle = Handle("\"10.0.0.0/26\":1,\"fd00::/122\":1");

        var result = HandleMutation.Decrement(handle, "10.0.0.0/26", 1);

        Assert.Equal(HandleDecrementOutcome.Updated, result.Outcome);
        Assert.Equal(new[] { "fd00::/122" }, handle.Block.Keys);
    }

    [Fact]
    public void Decrement_of_the_last_entry_reports_the_handle_as_now_empty()
    {
        var handle = Handle("\"10.0.0.0/26\":2");

        var result = HandleMutation.Decrement(handle, "10.0.0.0/26", 2);

        Assert.Equal(HandleDecrementOutcome.NowEmpty, result.Outcome);
        Assert.Empty(handle.Block);
    }

    [Fact]
    public void Missing_block_entry_is_inconsistent_with_a_warning_and_no_change()
    {
        var handle = Handle("\"10.0.0.0/26\":1");
        var before = handle.ToJsonString();

        var result = HandleMutation.Decrement(handle, "10.0.1.0/26", 1);

        Assert.Equal(HandleDecrementOutcome.Inconsistent, result.Outcome);
        Assert.Equal("Tried to decrement block 10.0.1.0/26 by 1 but it isn't linked to handle H", result.Warning);
        Assert.Equal(before, handle.ToJsonString());
    }

    [Fact]
    public void Decrement_below_zero_is_inconsistent_with_a_warning_and_no_change()
    {
        var handle = Handle("\"10.0.0.0/26\":1");
        var before = handle.ToJsonString();

        var result = HandleMutation.Decrement(handle, "10.0.0.0/26", 2);

        Assert.Equal(HandleDecrementOutcome.Inconsistent, result.Outcome);
        Assert.Equal(1, result.Remaining);
        Assert.Equal("Tried to decrement block 10.0.0.0/26 by 2 but it only has 1 addresses on handle H", result.Warning);
        Assert.Equal(before, handle.ToJsonString());
    }

    [Fact]
    public void Non_canonical_cidr_finds_the_canonical_key()
    {
        var handle = Handle("\"fd5f:abcd:64::/122\":1");

        var result = HandleMutation.Decrement(handle, "FD5F:ABCD:0064::/122", 1);

        Assert.Equal(HandleDecrementOutcome.NowEmpty, result.Outcome);
    }

    [Fact]
    public void Decrement_keeps_unknown_fields()
    {
        var handle = Handle("\"10.0.0.0/26\":3,\"10.0.1.0/26\":1");
        var before = handle.ToJsonString();

        HandleMutation.Decrement(handle, "10.0.0.0/26", 1);

        JsonAssert.EqualExcept(before, handle.ToJsonString(), "spec", "block");
    }
}
