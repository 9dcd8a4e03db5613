namespace IpamCleanup.Sandbox;

/// <summary>An IPAMHandle that points at a block in which no ordinal carries it.</summary>
internal sealed class OrphanHandlePlan
{
    public required string HandleId { get; init; }

    public required BlockPlan Block { get; init; }
}
