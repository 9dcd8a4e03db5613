using IpamCleanup.Core.Naming;

namespace IpamCleanup.Core.Tests.Naming;

public class CalicoVersionsTests
{
    [Theory]
    [InlineData("v3.33.0", true)]
    [InlineData("v3.33", true)]
    [InlineData("v3.33.1-0.dev-12-gabcdef", true)]
    [InlineData("3.34.2", true)]
    [InlineData("v4.0.0", true)]
    [InlineData("v3.32.9", false)]
    [InlineData("v3.3.40", false)]
    [InlineData("v2.99.0", false)]
    [InlineData("master", false)]
    [InlineData("v3", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void At_least_v3_33(string? version, bool expected) => Assert.Equal(expected, CalicoVersions.AtLeast(version, 3, 33));
}
