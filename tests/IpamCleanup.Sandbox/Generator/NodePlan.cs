namespace IpamCleanup.Sandbox;

/// <summary>A planned node; deleted ones are not written but keep their blocks, affinities and tunnel address.</summary>
internal sealed class NodePlan
{
    public required string Name { get; init; }

    public required int Index { get; init; }

    public required bool Deleted { get; init; }

    public required long CreatedNanos { get; init; }

    public required ulong Entropy { get; init; }

    public List<BlockPlan> Blocks { get; } = [];

    public List<AllocationPlan> Tunnels { get; } = [];
}
