using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Analysis;

/// <summary>An address as a number, so allocations and owners join on a hash of two words instead of on text.</summary>
internal readonly record struct IpKey(UInt128 Value, bool IsIPv6) : IComparable<IpKey>
{
    public static IpKey From(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        var value = UInt128.Zero;
        for (var i = 0; i < written; i++)
        {
            value = (value << 8) | bytes[i];
        }

        return new IpKey(value, written == 16);
    }

    /// <summary>Accepts "10.0.0.5", "10.0.0.5/32" or an IPv6 address (with or without a prefix), as Calico's ParseCIDROrIP does.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IpKey key)
    {
        key = default;
        text = text.Trim();
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            text = text[..slash];
        }

        if (TryParseIPv4(text, out var v4))
        {
            key = new IpKey(v4, false);
            return true;
        }

        if (text.IndexOf(':') < 0 || !IpNet.TryParseAddress(text, out var address))
        {
            return false;
        }

        key = From(address);
        return true;
    }

    public IpKey Plus(int ordinal) => this with { Value = Value + (UInt128)(uint)ordinal };

    public IPAddress ToAddress()
    {
        var length = IsIPv6 ? 16 : 4;
        var bytes = new byte[length];
        var value = Value;
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }

    /// <summary>Go's text for the address (dotted quad, RFC 5952 IPv6).</summary>
    public override string ToString()
    {
        if (IsIPv6)
        {
            return IpNet.FormatAddress(ToAddress());
        }

        var v4 = (uint)Value;
        return string.Create(CultureInfo.InvariantCulture, $"{v4 >> 24}.{(v4 >> 16) & 0xFF}.{(v4 >> 8) & 0xFF}.{v4 & 0xFF}");
    }

    public int CompareTo(IpKey other) =>
        IsIPv6 != other.IsIPv6 ? IsIPv6.CompareTo(other.IsIPv6) : Value.CompareTo(other.Value);

    // Strict dotted decimal, as Go's ParseIP: four parts, no leading zeros, each at most 255.
    private static bool TryParseIPv4(ReadOnlySpan<char> text, out UInt128 value)
    {
        value = UInt128.Zero;
        uint result = 0;
        int parts = 0, digits = 0, part = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '.')
            {
                if (digits == 0 || parts == 4)
                {
                    return false;
                }

                result = (result << 8) | (uint)part;
                parts++;
                digits = 0;
                part = 0;
                continue;
            }

            var c = text[i];
            if (!char.IsAsciiDigit(c) || (digits == 1 && part == 0) || digits == 3)
            {
                return false;
            }

            part = (part * 10) + (c - '0');
            digits++;
            if (part > 255)
            {
                return false;
            }
        }

        value = result;
        return parts == 4;
    }
}
