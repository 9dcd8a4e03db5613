using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Tests.Analysis;

/// <summary>Fills one block ordinal by ordinal; <see cref="Build"/> produces a structurally valid block unless <see cref="Corrupt"/> says otherwise.</summary>
internal sealed class BlockBuilder
{
    private readonly SortedDictionary<int, (AllocationAttribute Attribute, ulong Sequence)> _ordinals = new();
    private readonly string _uid;

    public BlockBuilder(string cidr, string? affinity, string uid)
    {
        Cidr = IpNet.Parse(cidr);
        Affinity = affinity;
        _uid = uid;
    }

    public IpNet Cidr { get; }

    public string? Affinity { get; }

    public DateTimeOffset? ClaimTime { get; set; }

    public DateTimeOffset? Created { get; set; } = TestCluster.Old;

    public string ResourceVersion { get; set; } = "brv-1";

    public ulong SequenceNumber { get; set; } = 1_000;

    /// <summary>Edits the finished block (to break an invariant).</summary>
    public Func<BlockInfo, BlockInfo>? Corrupt { get; set; }

    public BlockBuilder Pod(int ordinal, string ns, string pod, string? node, string handle, DateTimeOffset? allocated = null, ulong? sequence = null)
    {
        var secondary = new Dictionary<string, string> { ["namespace"] = ns, ["pod"] = pod, ["timestamp"] = TestCluster.GoTime(allocated ?? TestCluster.Old) };
        if (node is not null)
        {
            secondary["node"] = node;
        }

        return Set(ordinal, new AllocationAttribute(handle, secondary, false, null), sequence);
    }

    public BlockBuilder Tunnel(int ordinal, string type, string node, string? handle = null, bool withType = true)
    {
        var prefix = type switch
        {
            "ipipTunnelAddress" => "ipip-tunnel-addr-",
            "vxlanTunnelAddress" => "vxlan-tunnel-addr-",
            "vxlanV6TunnelAddress" => "vxlan-v6-tunnel-addr-",
            "wireguardTunnelAddress" => "wireguard-tunnel-addr-",
            "wireguardV6TunnelAddress" => "wireguard-v6-tunnel-addr-",
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        var secondary = new Dictionary<string, string> { ["node"] = node, ["timestamp"] = TestCluster.GoTime(TestCluster.Old) };
        if (withType)
        {
            secondary["type"] = type;
        }

        return Set(ordinal, new AllocationAttribute(handle ?? prefix + node, secondary, false, null), null);
    }

    public BlockBuilder Attributes(int ordinal, string? handle, params (string Key, string Value)[] secondary) =>
        Set(ordinal, new AllocationAttribute(handle, secondary.ToDictionary(s => s.Key, s => s.Value), false, null), null);

    public BlockBuilder Windows(int ordinal) =>
        Set(ordinal, new AllocationAttribute("windows-reserved-ipam-handle", new Dictionary<string, string> { ["note"] = "windows host rsvd" }, false, null), null);

    public BlockBuilder Cooling(int ordinal, DateTimeOffset releasedAt) =>
        Set(ordinal, new AllocationAttribute(null, new Dictionary<string, string>(), false, releasedAt), null);

    public BlockBuilder Set(int ordinal, AllocationAttribute attribute, ulong? sequence)
    {
        _ordinals[ordinal] = (attribute, sequence ?? 500 + (ulong)ordinal);
        return this;
    }

    public BlockInfo Build()
    {
        var size = Cidr.SizeAsInt32!.Value;
        var allocations = new int?[size];
        var attributes = new List<AllocationAttribute>();
        var sequences = new Dictionary<int, ulong>();
        foreach (var (ordinal, (attribute, sequence)) in _ordinals)
        {
            // Windows-reserved ordinals share one attribute, as libcalico's findOrAddAttribute makes them.
            var index = attribute.HandleId == "windows-reserved-ipam-handle" ? attributes.FindIndex(a => a.HandleId == attribute.HandleId) : -1;
            if (index < 0)
            {
                attributes.Add(attribute);
                index = attributes.Count - 1;
            }

            allocations[ordinal] = index;
            sequences[ordinal] = sequence;
        }

        var unallocated = Enumerable.Range(0, size).Where(o => allocations[o] is null).ToArray();
        var block = new BlockInfo(
            TestCluster.NameOf(Cidr.ToString()),
            _uid,
            ResourceVersion,
            Created,
            Cidr,
            Affinity,
            Affinity is null ? null : ClaimTime,
            allocations,
            unallocated,
            attributes,
            SequenceNumber,
            sequences,
            Array.Empty<string>());
        return Corrupt is null ? block : Corrupt(block);
    }
}
