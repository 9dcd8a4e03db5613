namespace IpamCleanup.Kubernetes.Tests;

public sealed class CalicoResourcesTests
{
    [Theory]
    [InlineData("crd.projectcalico.org", "crd.projectcalico.org", null)]
    [InlineData(" Projectcalico.org/V3 ", "projectcalico.org", "v3")]
    [InlineData("crd.projectcalico.org/v3", "crd.projectcalico.org", "v3")]
    [InlineData("example.com/v1", null, "v1")]
    [InlineData("", null, null)]
    public void Group_settings_are_read_as_Calico_components_write_them(string setting, string? group, string? version)
    {
        Assert.Equal(group, CalicoResources.ParseGroupSetting(setting, out var parsedVersion));
        Assert.Equal(version, parsedVersion);
    }

    [Theory]
    [InlineData("crd.projectcalico.org", "crd.projectcalico.org/v1")]
    [InlineData("projectcalico.org", "projectcalico.org/v3")]
    public void Each_group_has_its_own_version(string group, string apiVersion) => Assert.Equal(apiVersion, CalicoResources.ApiVersionOf(group));
}
