namespace IpamCleanup.Core.Snapshot;

/// <summary>A Kubernetes node (in KDD the Calico node is the same object) with its Calico tunnel annotations.</summary>
public sealed record NodeInfo(
    string Name,
    string Uid,
    string? IPv4IPIPTunnelAddr,
    string? IPv4VXLANTunnelAddr,
    string? IPv6VXLANTunnelAddr,
    string? IPv4WireguardInterfaceAddr,
    string? IPv6WireguardInterfaceAddr,
    string? NetworkDuringMigration)
{
    /// <summary>Every tunnel address the node currently claims, IPv4 and IPv6.</summary>
    public IEnumerable<string> TunnelAddresses()
    {
        foreach (var address in new[] { IPv4IPIPTunnelAddr, IPv4VXLANTunnelAddr, IPv6VXLANTunnelAddr, IPv4WireguardInterfaceAddr, IPv6WireguardInterfaceAddr })
        {
            if (!string.IsNullOrEmpty(address))
            {
                yield return address;
            }
        }
    }
}
