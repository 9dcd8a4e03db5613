using System.Net;
using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Tests.Net;

public class IpNetTests
{
    [Theory]
    [InlineData("10.65.79.0/26", "10.65.79.0/26")]
    [InlineData("10.65.79.7/26", "10.65.79.0/26")]
    [InlineData("fd5f:abcd:64::/122", "fd5f:abcd:64::/122")]
    [InlineData("FD5F:ABCD:0064:0000:0000:0000:0000:0000/122", "fd5f:abcd:64::/122")]
    [InlineData("fd5f:abcd:64:4f2c:ec1b:27b9:1989:77ff/122", "fd5f:abcd:64:4f2c:ec1b:27b9:1989:77c0/122")]
    [InlineData("2001:db8:0:0:1:0:0:1/128", "2001:db8::1:0:0:1/128")]
    [InlineData("2001:db8:0:1:1:1:1:1/128", "2001:db8:0:1:1:1:1:1/128")]
    [InlineData("1:0:0:1:0:0:0:1/128", "1:0:0:1::1/128")]
    [InlineData("::/0", "::/0")]
    [InlineData("::1/128", "::1/128")]
    [InlineData("1::/16", "1::/16")]
    [InlineData("::a00:1/128", "::a00:1/128")]
    public void Cidrs_print_as_go_prints_them(string input, string expected)
    {
        Assert.Equal(expected, IpNet.Parse(input).ToString());
    }

    [Theory]
    [InlineData("10.0.0/26")]
    [InlineData("10.0.0.01/26")]
    [InlineData("10.0.0.256/26")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0")]
    [InlineData("fd00::%eth0/64")]
    [InlineData("fd00::/129")]
    [InlineData("0x0a.0.0.0/8")]
    [InlineData("")]
    [InlineData(null)]
    public void Invalid_cidrs_are_rejected(string? input)
    {
        Assert.False(IpNet.TryParse(input, out var net));
        Assert.False(net.IsValid);
    }

    [Fact]
    public void Ordinals_are_offsets_from_the_base_address()
    {
        var v4 = IpNet.Parse("100.64.0.0/24");
        var v6 = IpNet.Parse("fd00::/122");

        Assert.True(v4.TryGetIntOrdinal(IPAddress.Parse("100.64.0.39"), out var ordinal));
        Assert.Equal(39, ordinal);
        Assert.True(v6.TryGetIntOrdinal(IPAddress.Parse("fd00::3f"), out var ordinal6));
        Assert.Equal(63, ordinal6);
        Assert.Equal(IPAddress.Parse("fd00::3f"), v6.AddressAt(63));
        Assert.False(v6.TryGetIntOrdinal(IPAddress.Parse("fd00::40"), out _));
        Assert.False(v4.TryGetIntOrdinal(IPAddress.Parse("fd00::1"), out _));
        Assert.Equal(256, v4.SizeAsInt32);
    }

    [Fact]
    public void Default_ipnet_is_invalid_and_contains_nothing()
    {
        var invalid = default(IpNet);

        Assert.False(invalid.IsValid);
        Assert.False(invalid.Contains(IPAddress.Parse("10.0.0.1")));
        Assert.Null(invalid.SizeAsInt32);
        Assert.Equal("<invalid>", invalid.ToString());
        Assert.NotEqual(IpNet.Parse("0.0.0.0/0"), invalid);
    }

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("10.0.1", false)]
    [InlineData("010.0.0.1", false)]
    [InlineData("fd00::1", true)]
    [InlineData("fd00::1%2", false)]
    [InlineData("[fd00::1]", false)]
    public void Addresses_are_parsed_strictly(string text, bool valid)
    {
        Assert.Equal(valid, IpNet.TryParseAddress(text, out _));
    }
}
