namespace IpamCleanup.Core.Snapshot;

/// <summary>A core v1 Service, reduced to what decides whether a LoadBalancer address is in use.</summary>
public sealed record ServiceInfo(
    string Namespace,
    string Name,
    string Uid,
    string? Type,
    string? LoadBalancerClass,
    string? LoadBalancerIP,
    IReadOnlyList<string> IngressIPs);
