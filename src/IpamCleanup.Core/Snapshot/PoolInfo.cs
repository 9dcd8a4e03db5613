using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Snapshot;

/// <summary>An IPPool. <see cref="BlockSize"/> defaults to 26 (IPv4) or 122 (IPv6).</summary>
public sealed record PoolInfo(
    string Name,
    IpNet Cidr,
    int BlockSize,
    bool Disabled,
    string? NodeSelector,
    IReadOnlyList<string> AllowedUses);
