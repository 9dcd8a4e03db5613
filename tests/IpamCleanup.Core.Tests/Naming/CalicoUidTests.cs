using IpamCleanup.Core.Naming;

namespace IpamCleanup.Core.Tests.Naming;

public class CalicoUidTests
{
    private const string Original = "30316465-6365-4463-ad63-3564622d3638";
    private const string Reversed = "0c8c26a6-c6a6-44c6-adc6-ac2646b46c1c";

    [Fact]
    public void Reverse_matches_libcalicos_known_vector()
    {
        Assert.Equal(Reversed, CalicoUid.Reverse(Original));
    }

    [Theory]
    [InlineData(Original)]
    [InlineData("123e4567-e89b-42d3-a456-426614174000")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public void Reverse_is_its_own_inverse(string uid)
    {
        Assert.Equal(uid, CalicoUid.Reverse(CalicoUid.Reverse(uid)));
    }

    [Fact]
    public void Reverse_keeps_the_version_and_variant_bytes()
    {
        var reversed = CalicoUid.Reverse("123e4567-e89b-42d3-a456-426614174000");

        Assert.Equal("487ca2e6-17d9-42cb-a46a-426628e80200", reversed);
        Assert.Equal("42", reversed.Substring(14, 2)); // byte 6
        Assert.Equal("a4", reversed.Substring(19, 2)); // byte 8
    }

    [Fact]
    public void Upper_case_input_gives_lower_case_output()
    {
        Assert.Equal(Reversed, CalicoUid.Reverse(Original.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("not-a-uid")]
    [InlineData("")]
    [InlineData("303164656365-4463-ad63-3564622d3638")]
    public void Invalid_uids_are_rejected(string uid)
    {
        Assert.False(CalicoUid.TryReverse(uid, out _));
        Assert.Throws<FormatException>(() => CalicoUid.Reverse(uid));
    }
}
