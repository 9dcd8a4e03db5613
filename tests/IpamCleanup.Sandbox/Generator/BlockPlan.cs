namespace IpamCleanup.Sandbox;

/// <summary>A planned block: its place in the pool, its owner, and the allocations in the order Calico made them.</summary>
internal sealed class BlockPlan
{
    public required AddressPool Pool { get; init; }

    public required int Index { get; init; }

    public required NodePlan Owner { get; init; }

    public long ClaimNanos { get; set; }

    public long SequenceNumber { get; set; }

    /// <summary>Free ordinals in FIFO order, as the block's <c>unallocated</c> array.</summary>
    public Queue<int> Unallocated { get; } = new();

    /// <summary>Allocations in the order they were made; the attribute index is the position here.</summary>
    public List<AllocationPlan> Allocations { get; } = [];

    public string Cidr => Pool.BlockCidr(Index);

    public string Name => CalicoNames.BlockName(Cidr);
}
