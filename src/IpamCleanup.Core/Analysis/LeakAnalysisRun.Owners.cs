using System.Net;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>Who uses which address: live workloads, node tunnel annotations, Calico LoadBalancer services.</summary>
internal sealed partial class LeakAnalysisRun
{
    /// <summary>The addresses of one indexed pod, if it is a live workload.</summary>
    private void CollectOwners(PodFacts pod)
    {
        if (!pod.IsLiveWorkload)
        {
            return;
        }

        var owner = pod;
        foreach (var ip in pod.ReportedIps)
        {
            pod.SetOwnerSlot(ip, _owners.Claim(ip, owner));
        }

        // Single-stack status over dual-stack Calico: the other family is only in the Calico annotation (§5 item 8).
        if (!pod.AnnotationSameAsReported)
        {
            foreach (var ip in pod.AnnotationIps)
            {
                AddOwner(ip, owner);
            }
        }
    }

    /// <summary>Node tunnel addresses and Calico LoadBalancer addresses, after every pod's.</summary>
    private void CollectOtherOwners()
    {

        foreach (var node in _snapshot.Nodes)
        {
            var owner = Owner.ForNode(node.Name);
            foreach (var address in node.TunnelAddresses())
            {
                if (IpKey.TryParse(address, out var ip))
                {
                    AddOwner(ip, owner);
                }
            }
        }

        if (_snapshot.Settings.LoadBalancerAssignIPs is { } assignIps)
        {
            foreach (var service in _snapshot.Services)
            {
                if (!IsCalicoManagedLoadBalancer(service, assignIps))
                {
                    continue;
                }

                var owner = Owner.ForService(service);
                foreach (var address in service.IngressIPs)
                {
                    if (IpKey.TryParse(address, out var ip))
                    {
                        AddOwner(ip, owner);
                    }
                }
            }
        }
    }

    // loadbalancer.IsCalicoManagedLoadBalancer, reduced to the fields a ServiceInfo carries (no annotations).
    private static bool IsCalicoManagedLoadBalancer(ServiceInfo service, string assignIps)
    {
        if (!string.Equals(service.Type, "LoadBalancer", StringComparison.Ordinal))
        {
            return false;
        }

        var calicoClass = string.Equals(service.LoadBalancerClass, "calico", StringComparison.Ordinal);
        return string.Equals(assignIps, "RequestedServicesOnly", StringComparison.Ordinal)
            ? calicoClass || !string.IsNullOrEmpty(service.LoadBalancerIP)
            : calicoClass || string.IsNullOrEmpty(service.LoadBalancerClass);
    }

    private void AddOwner(IpKey ip, Owner owner) => _owners.Claim(ip, owner);

    /// <summary>The owner slot of an allocation's address: the pod's own when it claims the address (the usual case), else a lookup.</summary>
    private int OwnerSlotOf(AllocationFacts allocation)
    {
        var ip = allocation.Ip;
        if (allocation.PodFacts is { } pod && pod.OwnerSlotOf(ip) is var slot and not OwnerTable.None)
        {
            return slot;
        }

        return _owners.TryFind(ip, out slot) ? slot : OwnerTable.None;
    }

    private void EmitOwnerFindings()
    {
        if (_owners.SharedAddresses == 0 && _allocatedOwnedAddresses == _owners.AddressCount)
        {
            // Every claimed address has one owner and is allocated: there is nothing to report, so the pass is skipped.
            return;
        }

        var activePools = _snapshot.Pools.Where(p => !p.Disabled && p.Cidr.IsValid).ToList();
        for (var slot = 0; slot < _owners.AddressCount; slot++)
        {
            var ip = _owners.Ip(slot);
            var allocation = _owners.FirstAllocation(slot);
            if (_owners.Count(slot) > 1)
            {
                var names = _owners.Names(slot);
                var finding = new Finding
                {
                    Kind = FindingKind.MultipleOwners,
                    Releasable = false,
                    IP = ip.ToString(),
                    Node = allocation?.ReportNode,
                    Handle = allocation?.Handle,
                    RawHandle = allocation?.RawHandle,
                    SequenceNumber = allocation?.Sequence,
                    Owners = names,
                    Reason = "Address " + ip + " is claimed by " + _owners.Count(slot) + " live owners (" + string.Join(", ", names) +
                        "); at most one of them can really have it, so traffic to the others is broken.",
                    Action = ReportOnly + ": find out which owner is stale and recreate it.",
                    ClusterGuid = _clusterGuid,
                    ObservedAt = _snapshot.TakenAt,
                };
                if (allocation is not null)
                {
                    finding = WithBlock(finding, allocation.Block);
                }

                Add(finding, allocation?.Block, allocation?.Ordinal ?? 0, ip, string.Empty);
            }

            if (allocation is not null)
            {
                continue;
            }

            var address = ip.ToAddress();
            var pool = activePools.Find(p => p.Cidr.Contains(address));
            if (pool is null)
            {
                // Not Calico's address (host-local, another CNI, a cloud load balancer): not our problem to report.
                _inUseOutsideActivePools++;
                continue;
            }

            AddInUseNotAllocated(ip, address, slot, pool);
        }
    }

    private void AddInUseNotAllocated(IpKey ip, IPAddress address, int slot, PoolInfo pool)
    {
        var first = _owners.First(slot);
        var names = _owners.Names(slot);
        var count = _owners.Count(slot);
        // Only the pool-derived block CIDR is looked up: ClusterSnapshot.BlocksContaining falls back to scanning every
        // block, which thousands of unallocated addresses would turn quadratic.
        BlockFacts? block = null;
        foreach (var candidatePool in _snapshot.Pools)
        {
            if (block is null && candidatePool.Cidr.Contains(address) && candidatePool.BlockSize >= 0 && candidatePool.BlockSize <= candidatePool.Cidr.Bits)
            {
                _blocksByCidr.TryGetValue(IpNet.Containing(address, candidatePool.BlockSize).ToString(), out block);
            }
        }

        var finding = new Finding
        {
            Kind = FindingKind.InUseNotAllocated,
            Releasable = false,
            IP = ip.ToString(),
            Node = first.Node,
            Namespace = count == 1 ? first.OwnerPod?.Namespace : null,
            Pod = count == 1 ? first.OwnerPod?.Name : null,
            PodUid = count == 1 ? first.OwnerPod?.Uid : null,
            Owners = names,
            Reason = string.Join(", ", names) + " uses " + ip + " inside active pool " + pool.Name + " (" + pool.Cidr +
                "), but no IPAM block allocates it" + (block is null ? " (no block covers it)" : " (block " + block.Cidr + " has it free)") +
                ": Calico can hand the same address to another pod.",
            Action = ReportOnly + ": recreate the owner so Calico allocates it properly (pods using cni.projectcalico.org/ipAddrsNoIpam are expected here).",
            ClusterGuid = _clusterGuid,
            ObservedAt = _snapshot.TakenAt,
        };
        if (block is not null)
        {
            finding = WithBlock(finding, block);
        }

        Add(finding, block, 0, ip, string.Empty);
    }
}
