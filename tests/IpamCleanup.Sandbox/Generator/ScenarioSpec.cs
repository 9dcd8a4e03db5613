using System.Globalization;

namespace IpamCleanup.Sandbox;

/// <summary>
/// What <see cref="ScenarioGenerator"/> builds. Parsed from
/// <c>nodes=5000,pods=150000,seed=7,leakedPods=200,deletedNodes=5,orphanHandles=100,emptyBlocks=50,dualStack=false,tunnel=vxlan</c>;
/// every key is optional. Leaks are extra objects: <see cref="Pods"/> and <see cref="Nodes"/> count only the live ones.
/// </summary>
public sealed record ScenarioSpec
{
    /// <summary>Live Kubernetes nodes.</summary>
    public int Nodes { get; init; } = 10;

    /// <summary>Live, running pods, each with an allocation, a handle and annotations.</summary>
    public int Pods { get; init; } = 100;

    public int Seed { get; init; } = 1;

    /// <summary>Allocations (with handles) on live nodes whose pod does not exist.</summary>
    public int LeakedPods { get; init; }

    /// <summary>Nodes that are gone but still own blocks, affinities, a tunnel address and a few pod allocations.</summary>
    public int DeletedNodes { get; init; }

    /// <summary>IPAMHandles that no allocation references.</summary>
    public int OrphanHandles { get; init; }

    /// <summary>Extra affine blocks without allocations on live nodes.</summary>
    public int EmptyBlocks { get; init; }

    /// <summary>Adds an IPv6 pool; every pod and tunnel gets a second address from it.</summary>
    public bool DualStack { get; init; }

    public TunnelType Tunnel { get; init; } = TunnelType.Vxlan;

    /// <summary>The IPv4 pool's block prefix length; 26 gives 64 addresses, 30 gives 4 (handy for small tests).</summary>
    public int BlockSize { get; init; } = 26;

    public string Ipv4Pool { get; init; } = "10.0.0.0/12";

    public string Ipv6Pool { get; init; } = "fd00:10::/108";

    /// <summary>Namespaces holding the pods; 0 picks a number that grows with the pod count.</summary>
    public int Namespaces { get; init; }

    /// <summary>"Now" for the scenario: every timestamp lies hours to weeks before it, so leaks are past any grace period.</summary>
    public DateTimeOffset Epoch { get; init; } = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Which Calico group the objects are written for; <see cref="ApiLayout.Both"/> writes IPAM data in v1, as layout B does.</summary>
    public ApiLayout Layout { get; init; } = ApiLayout.V1;

    public static ScenarioSpec Parse(string spec)
    {
        var result = new ScenarioSpec();
        foreach (var (key, value) in SpecParser.Parse(spec))
        {
            result = key.ToLowerInvariant() switch
            {
                "nodes" => result with { Nodes = Count(key, value) },
                "pods" => result with { Pods = Count(key, value) },
                "seed" => result with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "leakedpods" => result with { LeakedPods = Count(key, value) },
                "deletednodes" => result with { DeletedNodes = Count(key, value) },
                "orphanhandles" => result with { OrphanHandles = Count(key, value) },
                "emptyblocks" => result with { EmptyBlocks = Count(key, value) },
                "dualstack" => result with { DualStack = bool.Parse(value) },
                "tunnel" => result with { Tunnel = Enum.Parse<TunnelType>(value, ignoreCase: true) },
                "blocksize" => result with { BlockSize = Count(key, value) },
                "ipv4pool" => result with { Ipv4Pool = value },
                "ipv6pool" => result with { Ipv6Pool = value },
                "namespaces" => result with { Namespaces = Count(key, value) },
                "epoch" => result with { Epoch = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) },
                "layout" => result with { Layout = Enum.Parse<ApiLayout>(value, ignoreCase: true) },
                _ => throw new ArgumentException($"Unknown generator key '{key}'. Known: nodes, pods, seed, leakedPods, deletedNodes, orphanHandles, emptyBlocks, dualStack, tunnel, blockSize, ipv4Pool, ipv6Pool, namespaces, epoch, layout."),
            };
        }

        if (result.Nodes < 1)
        {
            throw new ArgumentException("A scenario needs at least one node.");
        }

        return result;
    }

    private static int Count(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{key} must be a non-negative integer, not '{value}'.");
}
