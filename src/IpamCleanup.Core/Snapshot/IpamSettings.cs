namespace IpamCleanup.Core.Snapshot;

/// <summary>
/// The configuration singletons that change analysis: IPAMConfig(uration) <c>default</c> and
/// KubeControllersConfiguration <c>default</c>. Missing objects give Calico's in-memory defaults.
/// </summary>
/// <param name="MaxBlocksPerHost">0 means Calico's default of 20.</param>
/// <param name="LeakGracePeriod">null when the field is absent; TimeSpan.Zero when set to 0 (GC off).</param>
/// <param name="LoadBalancerAssignIPs">"AllServices" / "RequestedServicesOnly", or null when the LB controller is not configured.</param>
public sealed record IpamSettings(
    bool StrictAffinity,
    bool AutoAllocateBlocks,
    int MaxBlocksPerHost,
    int IpCooldownSeconds,
    bool IpamConfigPresent,
    bool KubeControllersConfigPresent,
    TimeSpan? LeakGracePeriod,
    string? LoadBalancerAssignIPs)
{
    public static IpamSettings Defaults { get; } = new(false, true, 0, 0, false, false, null, null);

    public int EffectiveMaxBlocksPerHost => MaxBlocksPerHost == 0 ? 20 : MaxBlocksPerHost;
}
