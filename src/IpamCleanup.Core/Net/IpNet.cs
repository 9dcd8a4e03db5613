using System.Net;
using System.Net.Sockets;

namespace IpamCleanup.Core.Net;

/// <summary>An IPv4 or IPv6 network (CIDR) with ordinal arithmetic, printed as Go prints it (RFC 5952 for IPv6).</summary>
public readonly struct IpNet : IEquatable<IpNet>
{
    private readonly UInt128 _base;

    private IpNet(UInt128 baseValue, int prefix, bool isV6)
    {
        _base = baseValue;
        Prefix = prefix;
        IsIPv6 = isV6;
    }

    public int Prefix { get; }

    public bool IsIPv6 { get; }

    public int Bits => IsIPv6 ? 128 : 32;

    /// <summary>Number of addresses; saturates at UInt128.MaxValue for ::/0.</summary>
    public UInt128 Size => Bits - Prefix >= 128 ? UInt128.MaxValue : UInt128.One << (Bits - Prefix);

    public IPAddress Network => ToAddress(_base, IsIPv6);

    public static IpNet Parse(string cidr) =>
        TryParse(cidr, out var net) ? net : throw new FormatException($"'{cidr}' is not a CIDR.");

    /// <summary>Parses "a.b.c.d/n" or "v6/n"; the address is masked to the prefix, as Go's ParseCIDR does.</summary>
    public static bool TryParse(string? cidr, out IpNet net)
    {
        net = default;
        if (string.IsNullOrWhiteSpace(cidr))
        {
            return false;
        }

        var slash = cidr.IndexOf('/');
        if (slash <= 0 || !IPAddress.TryParse(cidr.AsSpan(0, slash), out var address) ||
            !int.TryParse(cidr.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = isV6 ? 128 : 32;
        if (prefix < 0 || prefix > bits)
        {
            return false;
        }

        var value = ToValue(address);
        var hostBits = bits - prefix;
        var mask = hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - UInt128.One;
        net = new IpNet(value & ~mask, prefix, isV6);
        return true;
    }

    /// <summary>The network of the given prefix length that contains <paramref name="address"/>.</summary>
    public static IpNet Containing(IPAddress address, int prefix)
    {
        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = isV6 ? 128 : 32;
        var hostBits = bits - prefix;
        var mask = hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - UInt128.One;
        return new IpNet(ToValue(address) & ~mask, prefix, isV6);
    }

    public bool Contains(IPAddress address) => TryGetOrdinal(address, out _);

    public bool Contains(IpNet other) => other.IsIPv6 == IsIPv6 && other.Prefix >= Prefix && Contains(other.Network);

    /// <summary>ordinal = address - base; false when the address is of the other family or outside the network.</summary>
    public bool TryGetOrdinal(IPAddress address, out UInt128 ordinal)
    {
        ordinal = UInt128.Zero;
        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        if (isV6 != IsIPv6)
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

    public IPAddress AddressAt(UInt128 ordinal)
    {
        if (Bits - Prefix < 128 && ordinal >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(ordinal), $"Ordinal {ordinal} is outside {this}.");
        }

        return ToAddress(_base + ordinal, IsIPv6);
    }

    public override string ToString() => FormatAddress(Network) + "/" + Prefix.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Go's text for an address: dotted quad, or RFC 5952 lower-case compressed IPv6 without scope.</summary>
    public static string FormatAddress(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            address = new IPAddress(address.GetAddressBytes());
        }

        return address.ToString().ToLowerInvariant();
    }

    public bool Equals(IpNet other) => _base == other._base && Prefix == other.Prefix && IsIPv6 == other.IsIPv6;

    public override bool Equals(object? obj) => obj is IpNet other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_base, Prefix, IsIPv6);

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
