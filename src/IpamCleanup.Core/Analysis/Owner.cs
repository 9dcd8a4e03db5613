using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// A live object that claims an address: a workload pod (<see cref="PodFacts"/> is its own owner), a node's tunnel
/// annotation or a LoadBalancer service. The display name is built on first use; most owners are never printed.
/// </summary>
internal class Owner
{
    private readonly string _kind;
    private string? _id;
    private string? _name;

    protected Owner(string kind, string? id, PodInfo? pod, string? node)
    {
        _kind = kind;
        _id = id;
        OwnerPod = pod;
        Node = node;
    }

    public static Owner WindowsReserved { get; } = new(string.Empty, "Reserved for Windows", null, null);

    /// <summary>The pod, when the owner is a workload.</summary>
    public PodInfo? OwnerPod { get; }

    public string? Node { get; }

    /// <summary>calicoctl's friendly name: "Workload(ns/name)", "Node(name)", "Service(ns/name)", "Reserved for Windows".</summary>
    public string Name => _name ??= _kind.Length == 0 ? Id : _kind + "(" + Id + ")";

    private string Id => _id ??= OwnerPod!.Key;

    public static Owner ForNode(string node) => new("Node", node, null, node);

    public static Owner ForService(ServiceInfo service) => new("Service", service.Namespace + "/" + service.Name, null, null);

    public bool SameAs(Owner other) =>
        ReferenceEquals(this, other) || (string.Equals(_kind, other._kind, StringComparison.Ordinal) && string.Equals(Id, other.Id, StringComparison.Ordinal));
}
