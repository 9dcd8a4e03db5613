namespace IpamCleanup.Sandbox;

/// <summary>
/// Plans a Calico-consistent cluster: nodes with tunnel addresses, deployments and their pods, 2–4
/// affine blocks per node filled the way Calico fills them (FIFO ordinals, per-ordinal sequence
/// numbers), and then the leaks the spec asks for.
/// </summary>
internal sealed class ScenarioPlanner
{
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private static readonly string[] AppWords =
    [
        "api", "web", "worker", "cache", "gateway", "billing", "search", "auth", "checkout", "catalog",
        "orders", "payments", "inventory", "notifier", "reports", "frontend", "ingest", "scheduler", "metrics", "profile",
    ];

    private readonly ScenarioSpec _spec;
    private readonly Random _random;
    private readonly ScenarioPlan _plan;
    private readonly long _epoch;
    private readonly DistinctIndexPicker _ipv4Blocks;
    private readonly DistinctIndexPicker? _ipv6Blocks;
    private readonly HashSet<string> _podNames = new(StringComparer.Ordinal);
    private readonly List<NodePlan> _liveNodes = [];

    public ScenarioPlanner(ScenarioSpec spec)
    {
        _spec = spec;
        _random = new Random(spec.Seed);
        _epoch = GoTime.ToUnixNanos(spec.Epoch);
        var ipv4 = new AddressPool(spec.Ipv4Pool, spec.BlockSize);
        var ipv6 = spec.DualStack ? new AddressPool(spec.Ipv6Pool, 122) : null;
        _plan = new ScenarioPlan { Spec = spec, Ipv4 = ipv4, Ipv6 = ipv6, Entropy = NextEntropy() };
        _ipv4Blocks = new DistinctIndexPicker(ipv4.BlockCount, _random);
        _ipv6Blocks = ipv6 is null ? null : new DistinctIndexPicker(ipv6.BlockCount, _random);
    }

    public ScenarioPlan Plan()
    {
        PlanNodes();
        PlanNamespaces();
        PlanPods();
        var podsByNode = _plan.Nodes.Select(_ => new List<PodPlan>()).ToArray();
        foreach (var pod in _plan.Pods)
        {
            podsByNode[pod.Node.Index].Add(pod);
        }

        foreach (var node in _plan.Nodes)
        {
            PlanNodeBlocks(node, podsByNode[node.Index]);
        }

        PlanEmptyBlocks();
        PlanOrphanHandles();
        return _plan;
    }

    private void PlanNodes()
    {
        var total = _spec.Nodes + _spec.DeletedNodes;
        var width = Math.Max(4, (total - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var deleted = new HashSet<int>();
        var picker = new DistinctIndexPicker(total, _random);
        for (var i = 0; i < _spec.DeletedNodes; i++)
        {
            deleted.Add(picker.Next());
        }

        for (var i = 0; i < total; i++)
        {
            var node = new NodePlan
            {
                Name = "node-" + i.ToString("D" + width, System.Globalization.CultureInfo.InvariantCulture),
                Index = i,
                Deleted = deleted.Contains(i),
                CreatedNanos = _epoch - 60 * GoTime.Day + _random.NextInt64(50 * GoTime.Day),
                Entropy = NextEntropy(),
            };
            _plan.Nodes.Add(node);
            if (!node.Deleted)
            {
                _liveNodes.Add(node);
            }
        }
    }

    private void PlanNamespaces()
    {
        var count = _spec.Namespaces > 0 ? _spec.Namespaces : Math.Clamp(_spec.Pods / 3000 + 2, 2, 60);
        _plan.Namespaces.Add("default");
        for (var i = 1; _plan.Namespaces.Count < count; i++)
        {
            _plan.Namespaces.Add("app-" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private void PlanPods()
    {
        DeploymentPlan? deployment = null;
        var replicasLeft = 0;
        for (var i = 0; i < _spec.Pods; i++)
        {
            if (replicasLeft == 0)
            {
                deployment = NewDeployment();
                replicasLeft = 1 + _random.Next(12);
            }

            replicasLeft--;
            AddPod(deployment!, RandomLiveNode(), exists: true, _epoch - 2 * GoTime.Hour - _random.NextInt64(30 * GoTime.Day));
        }

        for (var i = 0; i < _spec.LeakedPods; i++)
        {
            AddPod(AnyDeployment(), RandomLiveNode(), exists: false, _epoch - 3 * GoTime.Hour - _random.NextInt64(3 * GoTime.Day));
        }

        foreach (var node in _plan.Nodes.Where(n => n.Deleted))
        {
            var pods = _random.Next(4);
            for (var i = 0; i < pods; i++)
            {
                AddPod(AnyDeployment(), node, exists: false, _epoch - 3 * GoTime.Hour - _random.NextInt64(3 * GoTime.Day));
            }
        }
    }

    private void AddPod(DeploymentPlan deployment, NodePlan node, bool exists, long created)
    {
        string name;
        do
        {
            name = deployment.ReplicaSetName + "-" + RandomName(5);
        }
        while (!_podNames.Add(deployment.Namespace + "/" + name));

        // A pod cannot predate its node; creation timestamps have whole seconds.
        created = Math.Max(created, node.CreatedNanos + 10 * GoTime.Minute);
        _plan.Pods.Add(new PodPlan
        {
            Name = name,
            Deployment = deployment,
            Node = node,
            Entropy = NextEntropy(),
            CreatedNanos = created - created % GoTime.Second,
            Exists = exists,
        });
    }

    private DeploymentPlan NewDeployment()
    {
        var index = _plan.Deployments.Count;
        var deployment = new DeploymentPlan
        {
            Name = AppWords[_random.Next(AppWords.Length)] + "-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Namespace = _plan.Namespaces[_random.Next(_plan.Namespaces.Count)],
            TemplateHash = RandomName(10),
            Entropy = NextEntropy(),
            Port = 8000 + _random.Next(1000),
        };
        _plan.Deployments.Add(deployment);
        return deployment;
    }

    private DeploymentPlan AnyDeployment() =>
        _plan.Deployments.Count == 0 ? NewDeployment() : _plan.Deployments[_random.Next(_plan.Deployments.Count)];

    private NodePlan RandomLiveNode() => _liveNodes[_random.Next(_liveNodes.Count)];

    private void PlanNodeBlocks(NodePlan node, List<PodPlan> pods)
    {
        var ipv4Requests = new List<(PodPlan? Pod, string? Tunnel, long Time)>();
        var ipv6Requests = new List<(PodPlan? Pod, string? Tunnel, long Time)>();
        var tunnelTime = node.CreatedNanos + 40 * GoTime.Second + _random.NextInt64(GoTime.Second);
        switch (_spec.Tunnel)
        {
            case TunnelType.Vxlan:
                ipv4Requests.Add((null, "vxlanTunnelAddress", tunnelTime));
                if (_plan.Ipv6 is not null)
                {
                    ipv6Requests.Add((null, "vxlanV6TunnelAddress", tunnelTime + GoTime.Second));
                }

                break;
            case TunnelType.Ipip:
                ipv4Requests.Add((null, "ipipTunnelAddress", tunnelTime));
                break;
            case TunnelType.Wireguard:
                ipv4Requests.Add((null, "wireguardTunnelAddress", tunnelTime));
                if (_plan.Ipv6 is not null)
                {
                    ipv6Requests.Add((null, "wireguardV6TunnelAddress", tunnelTime + GoTime.Second));
                }

                break;
        }

        foreach (var pod in pods)
        {
            // The CNI ADD runs a second or two after the pod is created.
            var time = pod.CreatedNanos + GoTime.Second + _random.NextInt64(2 * GoTime.Second);
            ipv4Requests.Add((pod, null, time));
            if (_plan.Ipv6 is not null)
            {
                ipv6Requests.Add((pod, null, time + 1_000_000 + _random.NextInt64(9_000_000)));
            }
        }

        var preferred = node.Deleted ? 1 + _random.Next(2) : PreferredBlockCount();
        AllocateIntoBlocks(node, _plan.Ipv4, _ipv4Blocks, ipv4Requests, preferred);
        if (_plan.Ipv6 is not null)
        {
            AllocateIntoBlocks(node, _plan.Ipv6, _ipv6Blocks!, ipv6Requests, 1);
        }
    }

    // Calico spreads a node's pods over the blocks it claimed over time; at scale that is ~2.4 blocks per node.
    private int PreferredBlockCount()
    {
        var roll = _random.Next(100);
        return roll < 20 ? 1 : roll < 55 ? 2 : roll < 85 ? 3 : 4;
    }

    private void AllocateIntoBlocks(NodePlan node, AddressPool pool, DistinctIndexPicker picker, List<(PodPlan? Pod, string? Tunnel, long Time)> requests, int preferredBlocks)
    {
        var count = Math.Max(preferredBlocks, (requests.Count + pool.BlockSize - 1) / pool.BlockSize);
        var blocks = new List<BlockPlan>(count);
        var assigned = new List<List<(PodPlan? Pod, string? Tunnel, long Time)>>(count);
        for (var i = 0; i < count; i++)
        {
            var claim = i == 0
                ? node.CreatedNanos + 30 * GoTime.Second
                : node.CreatedNanos + GoTime.Hour + _random.NextInt64(Math.Max(GoTime.Hour, _epoch - 3 * GoTime.Hour - node.CreatedNanos - GoTime.Hour));
            blocks.Add(new BlockPlan { Pool = pool, Index = picker.Next(), Owner = node, ClaimNanos = claim });
            assigned.Add([]);
        }

        foreach (var request in requests)
        {
            // Tunnels go into the first block (claimed at node start); pods land in any block with room.
            var target = request.Tunnel is not null ? 0 : _random.Next(count);
            while (assigned[target].Count >= pool.BlockSize)
            {
                target = (target + 1) % count;
            }

            assigned[target].Add(request);
        }

        for (var i = 0; i < count; i++)
        {
            var block = blocks[i];
            var items = assigned[i].OrderBy(r => r.Time).ToList();
            if (items.Count > 0)
            {
                block.ClaimNanos = Math.Min(block.ClaimNanos, items[0].Time - GoTime.Second);
            }

            StartBlock(block, churn: i == 0 ? 0 : _random.Next(pool.BlockSize));
            foreach (var (pod, tunnel, time) in items)
            {
                var allocation = new AllocationPlan
                {
                    Block = block,
                    HandleId = pod?.HandleId ?? TunnelHandle(tunnel!, node.Name),
                    TimestampNanos = time,
                    Node = node,
                    Pod = pod,
                    TunnelType = tunnel,
                };
                Allocate(block, allocation);
                if (pod is not null)
                {
                    pod.Allocations.Add(allocation);
                }
                else
                {
                    node.Tunnels.Add(allocation);
                }
            }

            node.Blocks.Add(block);
            _plan.Blocks.Add(block);
        }
    }

    /// <summary>
    /// A new block starts at the claim time in Unix nanoseconds with every ordinal free in order;
    /// <paramref name="churn"/> earlier allocate/release cycles rotate the FIFO and bump the sequence number twice each.
    /// </summary>
    private static void StartBlock(BlockPlan block, int churn)
    {
        block.SequenceNumber = block.ClaimNanos + 2L * churn;
        for (var i = 0; i < block.Pool.BlockSize; i++)
        {
            block.Unallocated.Enqueue((i + churn) % block.Pool.BlockSize);
        }
    }

    // Calico takes the head of the FIFO and records the sequence number read before its write bumps it.
    private static void Allocate(BlockPlan block, AllocationPlan allocation)
    {
        allocation.Ordinal = block.Unallocated.Dequeue();
        allocation.Sequence = block.SequenceNumber;
        block.SequenceNumber++;
        block.Allocations.Add(allocation);
    }

    private void PlanEmptyBlocks()
    {
        for (var i = 0; i < _spec.EmptyBlocks; i++)
        {
            var node = RandomLiveNode();
            var block = new BlockPlan
            {
                Pool = _plan.Ipv4,
                Index = _ipv4Blocks.Next(),
                Owner = node,
                ClaimNanos = node.CreatedNanos + GoTime.Hour + _random.NextInt64(Math.Max(GoTime.Hour, _epoch - 4 * GoTime.Hour - node.CreatedNanos - GoTime.Hour)),
            };

            // It once held addresses that were all released, so its FIFO is rotated.
            StartBlock(block, 1 + _random.Next(_plan.Ipv4.BlockSize - 1));
            node.Blocks.Add(block);
            _plan.Blocks.Add(block);
            _plan.EmptyBlocks.Add(block);
        }
    }

    private void PlanOrphanHandles()
    {
        var candidates = _plan.Blocks.Where(b => !b.Owner.Deleted && b.Allocations.Count > 0 && !b.Pool.IsIpv6).ToList();
        for (var i = 0; i < _spec.OrphanHandles && candidates.Count > 0; i++)
        {
            var sandbox = new SplitMix64(NextEntropy()).Hex(64);
            _plan.OrphanHandles.Add(new OrphanHandlePlan { HandleId = "k8s-pod-network." + sandbox, Block = candidates[_random.Next(candidates.Count)] });
        }
    }

    private static string TunnelHandle(string tunnelType, string node) => tunnelType switch
    {
        "vxlanTunnelAddress" => "vxlan-tunnel-addr-" + node,
        "vxlanV6TunnelAddress" => "vxlan-v6-tunnel-addr-" + node,
        "ipipTunnelAddress" => "ipip-tunnel-addr-" + node,
        "wireguardTunnelAddress" => "wireguard-tunnel-addr-" + node,
        _ => "wireguard-v6-tunnel-addr-" + node,
    };

    private string RandomName(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = NameAlphabet[_random.Next(NameAlphabet.Length)];
        }

        return new string(chars);
    }

    private ulong NextEntropy() => (ulong)_random.NextInt64();
}
