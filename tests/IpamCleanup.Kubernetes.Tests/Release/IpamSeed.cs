using System.Globalization;
using System.Text.Json.Nodes;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>
/// Hand-written cluster state in the crd.projectcalico.org/v1 shapes, for the §6 scenarios. Every object carries
/// fields this module does not know (<see cref="UnknownField"/>), so tests can check they survive every write.
/// Timestamps default to long ago, so only the rules under test can hold anything back.
/// </summary>
internal sealed class IpamSeed
{
    public const string V1 = "crd.projectcalico.org/v1";
    public const string UnknownField = "x-future-field";

    public static readonly DateTimeOffset LongAgo = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<JsonObject> _items = new();
    private int _uid;

    public IReadOnlyList<JsonObject> Items => _items;

    public void SeedInto(SandboxStore store) => store.Seed(_items.Select(i => System.Text.Encoding.UTF8.GetBytes(i.ToJsonString())));

    public IpamSeed ClusterInformation(string guid = "0123456789abcdef0123456789abcdef")
    {
        _items.Add(Calico("ClusterInformation", "default", new JsonObject
        {
            ["clusterGUID"] = guid,
            ["clusterType"] = "k8s,bgp,kdd",
            ["calicoVersion"] = "v3.29.0",
            ["datastoreReady"] = true,
        }));
        return this;
    }

    public IpamSeed Pool(string cidr, int blockSize = 26, string name = "default-pool")
    {
        _items.Add(Calico("IPPool", name, new JsonObject { ["cidr"] = cidr, ["blockSize"] = blockSize, ["nodeSelector"] = "all()" }));
        return this;
    }

    public IpamSeed Node(string name, string? vxlanTunnelAddress = null)
    {
        var annotations = new JsonObject();
        if (vxlanTunnelAddress is not null)
        {
            annotations["projectcalico.org/IPv4VXLANTunnelAddr"] = vxlanTunnelAddress;
        }

        _items.Add(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = Metadata(name, null, annotations),
            ["spec"] = new JsonObject(),
        });
        return this;
    }

    /// <summary>A running pod that reports <paramref name="ips"/> in its status and its Calico annotations.</summary>
    public IpamSeed Pod(string ns, string name, string node, params string[] ips)
    {
        var annotations = new JsonObject();
        if (ips.Length > 0)
        {
            annotations["cni.projectcalico.org/podIP"] = ips[0] + (ips[0].Contains(':', StringComparison.Ordinal) ? "/128" : "/32");
            annotations["cni.projectcalico.org/podIPs"] = string.Join(",", ips.Select(ip => ip + (ip.Contains(':', StringComparison.Ordinal) ? "/128" : "/32")));
        }

        var status = new JsonObject { ["phase"] = "Running" };
        if (ips.Length > 0)
        {
            status["podIP"] = ips[0];
            status["podIPs"] = new JsonArray(ips.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip }).ToArray());
        }

        _items.Add(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = Metadata(name, ns, annotations),
            ["spec"] = new JsonObject { ["nodeName"] = node, ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "busybox" }) },
            ["status"] = status,
        });
        return this;
    }

    public IpamSeed Handle(string handleId, params (string Cidr, int Count)[] blocks)
    {
        var map = new JsonObject();
        foreach (var (cidr, count) in blocks)
        {
            map[cidr] = count;
        }

        _items.Add(Calico("IPAMHandle", handleId.ToLowerInvariant(), new JsonObject { ["handleID"] = handleId, ["block"] = map, ["deleted"] = false }));
        return this;
    }

    public IpamSeed Affinity(string node, string cidr, string state = "confirmed", string type = "host", DateTimeOffset? created = null)
    {
        var name = Core.Naming.CalicoNames.AffinityName(node, cidr);
        var affinity = Calico("BlockAffinity", name, new JsonObject
        {
            ["state"] = state,
            ["node"] = node,
            ["type"] = type,
            ["cidr"] = cidr,
            ["deleted"] = "false",
        });
        if (created is { } time)
        {
            affinity["metadata"]!["creationTimestamp"] = Rfc3339(time);
        }

        _items.Add(affinity);
        return this;
    }

    /// <summary>Adds an IPAMHandle with the right counts for every handle the blocks seeded so far allocate to (not Windows-reserved).</summary>
    public IpamSeed HandlesForAllocations(params string[] except)
    {
        var counts = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var block in _items.Where(i => (string?)i["kind"] == "IPAMBlock").ToList())
        {
            var spec = block["spec"]!;
            var attributes = spec["attributes"]!.AsArray();
            foreach (var index in spec["allocations"]!.AsArray())
            {
                if (index is null)
                {
                    continue;
                }

                var handle = (string)attributes[(int)index]!["handle_id"]!;
                if (handle == "windows-reserved-ipam-handle" || except.Contains(handle))
                {
                    continue;
                }

                if (!counts.TryGetValue(handle, out var perBlock))
                {
                    counts[handle] = perBlock = new SortedDictionary<string, int>(StringComparer.Ordinal);
                }

                var cidr = (string)spec["cidr"]!;
                perBlock[cidr] = perBlock.GetValueOrDefault(cidr) + 1;
            }
        }

        foreach (var (handle, perBlock) in counts)
        {
            Handle(handle, perBlock.Select(b => (b.Key, b.Value)).ToArray());
        }

        return this;
    }

    public BlockBuilder Block(string cidr, string? affinity, DateTimeOffset? claimTime = null) => new(this, cidr, affinity, claimTime ?? LongAgo);

    public static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Go's <c>time.Time.String()</c> form Calico writes into the <c>timestamp</c> attribute.</summary>
    public static string GoTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +0000 UTC";

    private JsonObject Calico(string kind, string name, JsonObject spec)
    {
        spec[UnknownField] = new JsonObject { ["keep"] = "me", ["n"] = 42 };
        return new JsonObject
        {
            ["apiVersion"] = V1,
            ["kind"] = kind,
            ["metadata"] = Metadata(name, null, new JsonObject { ["example.com/" + UnknownField] = "kept" }),
            ["spec"] = spec,
        };
    }

    private JsonObject Metadata(string name, string? ns, JsonObject annotations)
    {
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["uid"] = $"00000000-0000-4000-8000-{++_uid:D12}",
            ["creationTimestamp"] = Rfc3339(LongAgo),
            ["annotations"] = annotations,
        };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        return metadata;
    }

    /// <summary>One IPAMBlock: allocations are added by ordinal; every other ordinal is free, in ascending order.</summary>
    internal sealed class BlockBuilder
    {
        private readonly IpamSeed _seed;
        private readonly string _cidr;
        private readonly string? _affinity;
        private readonly DateTimeOffset _claimTime;
        private readonly SortedDictionary<int, (JsonObject Attribute, ulong? Sequence)> _allocations = new();
        private ulong _sequenceNumber = 1_700_000_000_000_000_000UL;

        public BlockBuilder(IpamSeed seed, string cidr, string? affinity, DateTimeOffset claimTime)
        {
            _seed = seed;
            _cidr = cidr;
            _affinity = affinity;
            _claimTime = claimTime;
        }

        public BlockBuilder SequenceNumber(ulong value)
        {
            _sequenceNumber = value;
            return this;
        }

        /// <summary>A pod allocation (handle <c>k8s-pod-network.&lt;sandbox&gt;</c> unless given).</summary>
        public BlockBuilder Pod(int ordinal, string ns, string pod, string node, string handle, ulong? sequence = null, DateTimeOffset? allocated = null) =>
            Alloc(ordinal, handle, new JsonObject
            {
                ["namespace"] = ns,
                ["pod"] = pod,
                ["node"] = node,
                ["timestamp"] = GoTime(allocated ?? LongAgo),
            }, sequence);

        public BlockBuilder Tunnel(int ordinal, string node, ulong? sequence = null) =>
            Alloc(ordinal, "vxlan-tunnel-addr-" + node, new JsonObject { ["node"] = node, ["type"] = "vxlanTunnelAddress", ["timestamp"] = GoTime(LongAgo) }, sequence);

        public BlockBuilder WindowsReserved(int ordinal) =>
            Alloc(ordinal, "windows-reserved-ipam-handle", new JsonObject { ["note"] = "windows host rsvd" }, 0);

        public BlockBuilder Alloc(int ordinal, string handle, JsonObject secondary, ulong? sequence = null)
        {
            _allocations[ordinal] = (new JsonObject { ["handle_id"] = handle, ["secondary"] = secondary }, sequence);
            return this;
        }

        public IpamSeed Done()
        {
            var net = Core.Net.IpNet.Parse(_cidr);
            var size = net.SizeAsInt32!.Value;
            var allocations = new JsonArray();
            var unallocated = new JsonArray();
            var attributes = new JsonArray();
            var sequences = new JsonObject();
            var attributeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var ordinal = 0; ordinal < size; ordinal++)
            {
                if (_allocations.TryGetValue(ordinal, out var allocation))
                {
                    var key = allocation.Attribute.ToJsonString();
                    if (!attributeIndex.TryGetValue(key, out var index))
                    {
                        // Deep-equal attributes are shared, as libcalico's findOrAddAttribute does.
                        index = attributes.Count;
                        attributeIndex[key] = index;
                        attributes.Add(allocation.Attribute.DeepClone());
                    }

                    allocations.Add(index);
                    // Allocated before the block's last write, so below its sequenceNumber (a block invariant).
                    sequences[ordinal.ToString(CultureInfo.InvariantCulture)] = allocation.Sequence ?? _sequenceNumber - (ulong)size + (ulong)ordinal;
                }
                else
                {
                    allocations.Add(null);
                    unallocated.Add(ordinal);
                }
            }

            var spec = new JsonObject
            {
                ["cidr"] = _cidr,
                ["allocations"] = allocations,
                ["unallocated"] = unallocated,
                ["attributes"] = attributes,
                ["sequenceNumber"] = _sequenceNumber,
                ["sequenceNumberForAllocation"] = sequences,
                ["deleted"] = false,
                ["strictAffinity"] = false,
            };
            if (_affinity is not null)
            {
                spec["affinity"] = _affinity;
                spec["affinityClaimTime"] = Rfc3339(_claimTime);
            }

            _seed._items.Add(_seed.Calico("IPAMBlock", Core.Naming.CalicoNames.BlockName(_cidr), spec));
            return _seed;
        }
    }
}
