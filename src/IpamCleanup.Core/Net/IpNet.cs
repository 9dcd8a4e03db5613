using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IpamCleanup.Core.Net;

/// <summary>
/// An IPv4 or IPv6 network (CIDR) with ordinal arithmetic, printed as Go prints it (dotted quad; RFC 5952 for IPv6).
/// <c>default(IpNet)</c> is the "unparseable CIDR" value: <see cref="IsValid"/> is false and it contains nothing.
/// </summary>
public readonly struct IpNet : IEquatable<IpNet>
{
    private readonly UInt128 _base;

    private IpNet(UInt128 baseValue, int prefix, bool isV6)
    {
        _base = baseValue;
        Prefix = prefix;
        IsIPv6 = isV6;
        IsValid = true;
    }

    public int Prefix { get; }

    public bool IsIPv6 { get; }

    /// <summary>False only for <c>default(IpNet)</c>, which stands for a CIDR that could not be parsed.</summary>
    public bool IsValid { get; }

    public int Bits => IsIPv6 ? 128 : 32;

    /// <summary>Number of addresses; saturates at UInt128.MaxValue for ::/0; 0 for an invalid network.</summary>
    public UInt128 Size => !IsValid ? UInt128.Zero : Bits - Prefix >= 128 ? UInt128.MaxValue : UInt128.One << (Bits - Prefix);

    /// <summary>The number of addresses when it fits in an int (every real Calico block), otherwise null.</summary>
    public int? SizeAsInt32 => IsValid && Bits - Prefix < 31 ? 1 << (Bits - Prefix) : null;

    public IPAddress Network => ToAddress(_base, IsIPv6);

    public static IpNet Parse(string cidr) =>
        TryParse(cidr, out var net) ? net : throw new FormatException($"'{cidr}' is not a CIDR.");

    /// <summary>
    /// Parses "a.b.c.d/n" or "v6/n" as strictly as Go's ParseCIDR (no abbreviated or zero-padded IPv4, no zone);
    /// the address is masked to the prefix, as ParseCIDR does.
    /// </summary>
    public static bool TryParse(string? cidr, out IpNet net)
    {
        net = default;
        if (string.IsNullOrEmpty(cidr))
        {
            return false;
        }

        var slash = cidr.IndexOf('/');
        if (slash <= 0 || slash == cidr.Length - 1 || cidr.Length - slash - 1 > 3 ||
            !TryParseAddress(cidr.AsSpan(0, slash), out var address) ||
            !int.TryParse(cidr.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        if (prefix > (isV6 ? 128 : 32))
        {
            return false;
        }

        net = Containing(address, prefix);
        return true;
    }

    /// <summary>Parses an address as Go's net.ParseIP does: strict dotted-decimal IPv4 or IPv6 without a zone.</summary>
    public static bool TryParseAddress(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.IsEmpty)
        {
            return false;
        }

        if (text.Contains(':'))
        {
            if (text.IndexOfAny('%', '[', ']') >= 0 || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            address = v6;
            return true;
        }

        Span<byte> bytes = stackalloc byte[4];
        var part = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '.')
            {
                if (!char.IsAsciiDigit(text[i]))
                {
                    return false;
                }

                continue;
            }

            var digits = text[start..i];
            if (part > 3 || digits.IsEmpty || digits.Length > 3 || (digits.Length > 1 && digits[0] == '0'))
            {
                return false;
            }

            var value = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return false;
            }

            bytes[part++] = (byte)value;
            start = i + 1;
        }

        if (part != 4)
        {
            return false;
        }

        address = new IPAddress(bytes);
        return true;
    }

    public static bool TryParseAddress(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        return text is not null && TryParseAddress(text.AsSpan(), out address);
    }

    /// <summary>The network of the given prefix length that contains <paramref name="address"/>.</summary>
    public static IpNet Containing(IPAddress address, int prefix)
    {
        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = isV6 ? 128 : 32;
        if (prefix < 0 || prefix > bits)
        {
            throw new ArgumentOutOfRangeException(nameof(prefix), $"/{prefix} is not a valid prefix for {address}.");
        }

        var hostBits = bits - prefix;
        var mask = hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - UInt128.One;
        return new IpNet(ToValue(address) & ~mask, prefix, isV6);
    }

    public bool Contains(IPAddress address) => TryGetOrdinal(address, out _);

    public bool Contains(IpNet other) => IsValid && other.IsValid && other.IsIPv6 == IsIPv6 && other.Prefix >= Prefix && Contains(other.Network);

    /// <summary>ordinal = address - base; false when the address is of the other family or outside the network.</summary>
    public bool TryGetOrdinal(IPAddress address, out UInt128 ordinal)
    {
        ordinal = UInt128.Zero;
        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        if (!IsValid || isV6 != IsIPv6)
        {
            return false;
        }

        var value = ToValue(address);
        if (value < _base)
        {
            return false;
        }

        ordinal = value - _base;
        return Bits - Prefix >= 128 || ordinal < Size;
    }

    /// <summary>The ordinal as an int (block indexes), or false when outside the network or not representable.</summary>
    public bool TryGetIntOrdinal(IPAddress address, out int ordinal)
    {
        ordinal = -1;
        if (!TryGetOrdinal(address, out var wide) || wide > (UInt128)int.MaxValue)
        {
            return false;
        }

        ordinal = (int)wide;
        return true;
    }

    public IPAddress AddressAt(UInt128 ordinal)
    {
        if (!IsValid || (Bits - Prefix < 128 && ordinal >= Size))
        {
            throw new ArgumentOutOfRangeException(nameof(ordinal), $"Ordinal {ordinal} is outside {this}.");
        }

        return ToAddress(_base + ordinal, IsIPv6);
    }

    /// <summary>Go's canonical CIDR text ("10.65.79.0/26", "fd5f:abcd:64::/122"); "&lt;invalid&gt;" for an invalid network.</summary>
    public override string ToString() =>
        IsValid ? FormatAddress(Network) + "/" + Prefix.ToString(CultureInfo.InvariantCulture) : "<invalid>";

    /// <summary>Go's text for an address: dotted quad, or RFC 5952 lower-case compressed IPv6 without scope.</summary>
    public static string FormatAddress(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        Span<int> groups = stackalloc int[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = (bytes[2 * i] << 8) | bytes[(2 * i) + 1];
        }

        // RFC 5952 4.2: compress the longest run (at least two) of zero groups, the first one on a tie.
        int bestStart = -1, bestLength = 1;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            var runStart = i;
            while (i < 8 && groups[i] == 0)
            {
                i++;
            }

            if (i - runStart > bestLength)
            {
                bestStart = runStart;
                bestLength = i - runStart;
            }
        }

        var text = new StringBuilder(39);
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.Append("::");
                i += bestLength - 1;
                continue;
            }

            if (text.Length > 0 && text[^1] != ':')
            {
                text.Append(':');
            }

            text.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    public bool Equals(IpNet other) => _base == other._base && Prefix == other.Prefix && IsIPv6 == other.IsIPv6 && IsValid == other.IsValid;

    public override bool Equals(object? obj) => obj is IpNet other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_base, Prefix, IsIPv6, IsValid);

    public static bool operator ==(IpNet left, IpNet right) => left.Equals(right);

    public static bool operator !=(IpNet left, IpNet right) => !left.Equals(right);

    private static UInt128 ToValue(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        UInt128 value = UInt128.Zero;
        for (var i = 0; i < written; i++)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    private static IPAddress ToAddress(UInt128 value, bool isV6)
    {
        var length = isV6 ? 16 : 4;
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }
}
