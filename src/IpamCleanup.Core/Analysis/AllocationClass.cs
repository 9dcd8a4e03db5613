namespace IpamCleanup.Core.Analysis;

/// <summary>What produced an allocation, decided from its handle and attributes (calico-ipam.md §3.2, §4f F2).</summary>
internal enum AllocationClass : byte
{
    /// <summary>The allocation indexes an attribute that does not exist (corrupt block).</summary>
    BadAttribute,
    WindowsReserved,
    CoolingDown,
    NoHandle,
    Tunnel,
    VirtualMachine,
    LoadBalancer,
    SecondaryNetwork,
    Pod,
    Other,
}
