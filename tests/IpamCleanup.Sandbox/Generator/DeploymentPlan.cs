namespace IpamCleanup.Sandbox;

/// <summary>A deployment whose ReplicaSet owns a group of pods (names, labels, image and port).</summary>
internal sealed class DeploymentPlan
{
    public required string Name { get; init; }

    public required string Namespace { get; init; }

    public required string TemplateHash { get; init; }

    public required ulong Entropy { get; init; }

    public required int Port { get; init; }

    public string ReplicaSetName => Name + "-" + TemplateHash;
}
