namespace IpamCleanup.Commands;

/// <summary>How Remove-CalicoLeakedIp frees an address (calico-ipam.md §4f F3).</summary>
public enum ReleaseMode
{
    /// <summary>Calico up to v3.32: the address is free and reusable as soon as the block is written.</summary>
    Classic,

    /// <summary>Calico v3.33: the address stays in the block as a <c>releasedAt</c> entry for ipCooldownSeconds.</summary>
    Cooldown,
}
