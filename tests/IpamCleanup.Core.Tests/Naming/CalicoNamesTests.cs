using IpamCleanup.Core.Naming;

namespace IpamCleanup.Core.Tests.Naming;

public class CalicoNamesTests
{
    // Go's strings.Replace(name, ":", "-", 7) turns "::" into two dashes, and the '/' adds a third before the prefix
    // (calico-ipam.md §1.13 shows "fd5f-abcd-64--122", which drops one).
    [Theory]
    [InlineData("10.0.0.0/26", "10-0-0-0-26")]
    [InlineData("10.65.79.0/26", "10-65-79-0-26")]
    [InlineData("fd5f:abcd:64::/122", "fd5f-abcd-64---122")]
    [InlineData("FD5F:ABCD:0064:0000:0000:0000:0000:0000/122", "fd5f-abcd-64---122")]
    [InlineData("fd5f:abcd:64:4f2c:ec1b:27b9:1989:77c0/122", "fd5f-abcd-64-4f2c-ec1b-27b9-1989-77c0-122")]
    [InlineData("10.0.0.5/30", "10-0-0-4-30")]
    public void Block_names_come_from_the_canonical_cidr(string cidr, string expected)
    {
        Assert.Equal(expected, CalicoNames.BlockName(cidr));
    }

    [Fact]
    public void Block_name_of_an_invalid_cidr_throws()
    {
        Assert.Throws<FormatException>(() => CalicoNames.BlockName("10.0.0/26"));
    }

    [Fact]
    public void Handle_names_are_the_lower_cased_handle_id()
    {
        Assert.Equal("k8s-pod-network.abcdef", CalicoNames.HandleName("k8s-pod-network.ABCdef"));
        Assert.Equal("testipamcleanup", CalicoNames.HandleName("TestIPAMCleanup"));
    }

    [Fact]
    public void Affinity_name_is_node_dash_block_name()
    {
        Assert.Equal("node-a-10-65-79-0-26", CalicoNames.AffinityName("node-a", "10.65.79.0/26"));
        Assert.Equal("worker-1-fd5f-abcd-64---122", CalicoNames.AffinityName("worker-1", "fd5f:abcd:64::/122"));
    }

    [Fact]
    public void Affinity_name_of_exactly_252_characters_is_not_hashed()
    {
        var node = new string('n', 252 - "-10-0-0-0-26".Length);

        Assert.Equal(node + "-10-0-0-0-26", CalicoNames.AffinityName(node, "10.0.0.0/26"));
    }

    [Fact]
    public void Affinity_name_of_253_characters_or_more_is_truncated_and_hashed()
    {
        // Expected values computed independently: sha256("<node>+10-0-0-0-26").hexdigest()[:11].
        var node = new string('a', 241);

        var name = CalicoNames.AffinityName(node, "10.0.0.0/26");

        Assert.Equal(new string('a', 252 - 11 - 13) + "-10-0-0-0-26-" + "f2d0b24ba4a", name);
        Assert.Equal(252, name.Length);
    }

    [Fact]
    public void Long_ipv6_affinity_name_keeps_the_block_name_whole()
    {
        var node = new string('x', 300);

        var name = CalicoNames.AffinityName(node, "fd5f:abcd:64:4f2c:ec1b:27b9:1989:77c0/122");

        Assert.Equal(252, name.Length);
        Assert.Contains("-fd5f-abcd-64-4f2c-ec1b-27b9-1989-77c0-122-", name, StringComparison.Ordinal);
        Assert.Equal("61f16254baa", name[^11..]);
    }

    [Fact]
    public void Hostname_hash_label_is_base32_of_sha3_256_without_padding()
    {
        if (!CalicoNames.IsHostnameHashSupported)
        {
            Assert.Throws<PlatformNotSupportedException>(() => CalicoNames.HostnameHash("node-a"));
            return;
        }

        var hash = CalicoNames.HostnameHash("node-a");

        Assert.Equal("PY3TQE2E3XMTETLM2MJO3UITKPFB27YUJ4T4E5XGPEJON3SM4QAA", hash);
        Assert.Equal(52, hash.Length);
    }

    [Theory]
    [InlineData("10.0.0.0/26", "4")]
    [InlineData("fd00::/122", "6")]
    public void Ip_version_label_follows_the_cidr(string cidr, string expected)
    {
        Assert.Equal(expected, CalicoNames.IpVersion(cidr));
    }

    [Theory]
    [InlineData("k8s-pod-network.abc", "k8s-pod-network.abc")]
    [InlineData("k8s-pod-network.abc\r\neth0", "k8s-pod-network.abc")]
    [InlineData("\rjunk", "")]
    [InlineData(null, null)]
    public void Handles_are_sanitised_at_the_first_carriage_return(string? raw, string? expected)
    {
        Assert.Equal(expected, CalicoHandles.Sanitize(raw));
    }

    [Theory]
    [InlineData("windows-reserved-ipam-handle", true)]
    [InlineData("Windows-Reserved-IPAM-Handle", true)]
    [InlineData("windows-reserved-ipam-handle-2", false)]
    [InlineData(null, false)]
    public void Windows_reserved_handle_is_matched_case_insensitively(string? handle, bool expected)
    {
        Assert.Equal(expected, CalicoHandles.IsWindowsReserved(handle));
    }
}
