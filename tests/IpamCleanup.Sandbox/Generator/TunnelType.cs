namespace IpamCleanup.Sandbox;

/// <summary>Which tunnel address calico-node allocates on every node.</summary>
public enum TunnelType
{
    None,
    Vxlan,
    Ipip,
    Wireguard,
}
