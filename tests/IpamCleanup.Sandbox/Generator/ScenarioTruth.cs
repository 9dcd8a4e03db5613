namespace IpamCleanup.Sandbox;

/// <summary>What a generated scenario contains, and exactly which leaks were injected, for tests to assert against.</summary>
public sealed class ScenarioTruth
{
    public required int Nodes { get; init; }

    public required int Pods { get; init; }

    public required int Blocks { get; init; }

    public required int Affinities { get; init; }

    public required int Handles { get; init; }

    /// <summary>Allocations (with handles) on live nodes whose pods do not exist.</summary>
    public required IReadOnlyList<LeakedAllocation> LeakedPodAllocations { get; init; }

    /// <summary>Nodes that no longer exist but still own blocks and affinities.</summary>
    public required IReadOnlyList<string> DeletedNodes { get; init; }

    /// <summary>The blocks (object names) affine to deleted nodes.</summary>
    public required IReadOnlyList<string> DeletedNodeBlocks { get; init; }

    /// <summary>Tunnel and pod allocations left in the deleted nodes' blocks.</summary>
    public required IReadOnlyList<LeakedAllocation> DeletedNodeAllocations { get; init; }

    /// <summary>Handle IDs of IPAMHandles no allocation references.</summary>
    public required IReadOnlyList<string> OrphanHandles { get; init; }

    /// <summary>Blocks (object names) on live nodes with no allocations.</summary>
    public required IReadOnlyList<string> EmptyBlocks { get; init; }
}
