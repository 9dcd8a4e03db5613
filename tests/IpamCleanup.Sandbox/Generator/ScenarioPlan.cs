namespace IpamCleanup.Sandbox;

/// <summary>The planned cluster, from which <see cref="ScenarioWriter"/> writes every object.</summary>
internal sealed class ScenarioPlan
{
    public required ScenarioSpec Spec { get; init; }

    public required AddressPool Ipv4 { get; init; }

    public required AddressPool? Ipv6 { get; init; }

    public required ulong Entropy { get; init; }

    public List<NodePlan> Nodes { get; } = [];

    public List<string> Namespaces { get; } = [];

    public List<DeploymentPlan> Deployments { get; } = [];

    public List<PodPlan> Pods { get; } = [];

    public List<BlockPlan> Blocks { get; } = [];

    public List<BlockPlan> EmptyBlocks { get; } = [];

    public List<OrphanHandlePlan> OrphanHandles { get; } = [];

    public IEnumerable<NodePlan> LiveNodes => Nodes.Where(n => !n.Deleted);

    /// <summary>Every allocation with a handle: tunnels first, then pods (leaked ones included).</summary>
    public IEnumerable<AllocationPlan> AllAllocations =>
        Nodes.SelectMany(n => n.Tunnels).Concat(Pods.SelectMany(p => p.Allocations));
}
