using System.Globalization;

namespace IpamCleanup.Core.Naming;

/// <summary>
/// The UID translation libcalico applies to v1-backed resources (v3.28+): the bits of every byte of the UUID are
/// reversed except bytes 6 and 8, which hold the version and variant. The transform is its own inverse, so it maps
/// a raw <c>metadata.uid</c> to the UID in a <c>calicoctl ipam check</c> report and back.
/// </summary>
public static class CalicoUid
{
    /// <exception cref="FormatException">The text is not a UUID in 8-4-4-4-12 hex form.</exception>
    public static string Reverse(string uid) =>
        TryReverse(uid, out var reversed) ? reversed : throw new FormatException($"'{uid}' is not a UUID.");

    public static bool TryReverse(string? uid, out string reversed)
    {
        reversed = string.Empty;
        if (uid is null || !Guid.TryParseExact(uid, "D", out _))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        var hex = uid.Replace("-", string.Empty, StringComparison.Ordinal);
        for (var i = 0; i < 16; i++)
        {
            var value = byte.Parse(hex.AsSpan(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            bytes[i] = i is 6 or 8 ? value : ReverseBits(value);
        }

        var text = Convert.ToHexString(bytes).ToLowerInvariant();
        reversed = $"{text[..8]}-{text[8..12]}-{text[12..16]}-{text[16..20]}-{text[20..]}";
        return true;
    }

    private static byte ReverseBits(byte value)
    {
        var result = 0;
        for (var bit = 0; bit < 8; bit++)
        {
            result = (result << 1) | ((value >> bit) & 1);
        }

        return (byte)result;
    }
}
