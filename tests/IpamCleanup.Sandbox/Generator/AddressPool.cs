using System.Net;
using System.Net.Sockets;

namespace IpamCleanup.Sandbox;

/// <summary>An IP pool cut into equal blocks; addresses are offsets from the pool's base, as Calico's ordinals are.</summary>
internal sealed class AddressPool
{
    private readonly UInt128 _base;
    private readonly bool _ipv6;

    public AddressPool(string cidr, int blockPrefix)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(cidr[..slash]);
        var prefix = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        _ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = _ipv6 ? 128 : 32;
        if (blockPrefix < prefix || blockPrefix > bits)
        {
            throw new ArgumentException($"Block size /{blockPrefix} does not fit pool {cidr}.");
        }

        _base = ToNumber(address);
        Cidr = cidr;
        BlockPrefix = blockPrefix;
        BlockSize = 1 << (bits - blockPrefix);
        var blockBits = blockPrefix - prefix;
        BlockCount = blockBits >= 30 ? 1 << 30 : 1 << blockBits;
    }

    /// <summary>A single block given by its own CIDR, for ordinal arithmetic inside it.</summary>
    public static AddressPool ForBlock(string cidr) =>
        new(cidr, int.Parse(cidr[(cidr.IndexOf('/', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    public string Cidr { get; }

    public int BlockPrefix { get; }

    /// <summary>Addresses per block (64 for /26 and /122).</summary>
    public int BlockSize { get; }

    public int BlockCount { get; }

    public bool IsIpv6 => _ipv6;

    public string BlockCidr(int block) => Format(_base + (UInt128)block * (UInt128)BlockSize) + "/" + BlockPrefix;

    public string Address(int block, int ordinal) => Format(_base + (UInt128)block * (UInt128)BlockSize + (UInt128)ordinal);

    /// <summary>The pod IP in Calico's annotation form: /32 or /128.</summary>
    public string HostCidr(int block, int ordinal) => Address(block, ordinal) + (_ipv6 ? "/128" : "/32");

    private static UInt128 ToNumber(IPAddress address)
    {
        UInt128 value = 0;
        foreach (var b in address.GetAddressBytes())
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private string Format(UInt128 value)
    {
        var bytes = new byte[_ipv6 ? 16 : 4];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return new IPAddress(bytes).ToString();
    }
}
