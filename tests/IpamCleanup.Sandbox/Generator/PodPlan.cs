namespace IpamCleanup.Sandbox;

/// <summary>A planned pod; leaked ones keep their allocations and handle but are never written.</summary>
internal sealed class PodPlan
{
    public required string Name { get; init; }

    public required DeploymentPlan Deployment { get; init; }

    public required NodePlan Node { get; init; }

    public required ulong Entropy { get; init; }

    public required long CreatedNanos { get; init; }

    /// <summary>False for leaked allocations: the pod was deleted but its address never released.</summary>
    public required bool Exists { get; init; }

    public List<AllocationPlan> Allocations { get; } = [];

    public string Namespace => Deployment.Namespace;

    /// <summary>The CNI handle: the network name and the 64-hex sandbox container ID.</summary>
    public string HandleId => "k8s-pod-network." + SandboxId;

    public string SandboxId => new SplitMix64(Entropy).Hex(64);
}
