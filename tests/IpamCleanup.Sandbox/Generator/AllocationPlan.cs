namespace IpamCleanup.Sandbox;

/// <summary>One allocated ordinal: a pod address or a tunnel address, with the sequence number it was allocated at.</summary>
internal sealed class AllocationPlan
{
    public required BlockPlan Block { get; set; }

    public required string HandleId { get; init; }

    public required long TimestampNanos { get; init; }

    public required NodePlan Node { get; init; }

    /// <summary>The pod that owns the address; null for tunnel addresses.</summary>
    public PodPlan? Pod { get; init; }

    /// <summary>The tunnel attribute type (vxlanTunnelAddress, ...); null for pods.</summary>
    public string? TunnelType { get; init; }

    public int Ordinal { get; set; } = -1;

    public long Sequence { get; set; }

    public string Address => Block.Pool.Address(Block.Index, Ordinal);
}
