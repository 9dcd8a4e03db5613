using System.Globalization;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>Classification of every allocated ordinal (calico-ipam.md §4f F2, kube-controllers' allocationIsValid).</summary>
internal sealed partial class LeakAnalysisRun
{
    private static readonly (string Type, string Prefix, Func<NodeInfo, string?> Field, string Annotation)[] Tunnels =
    {
        ("ipipTunnelAddress", "ipip-tunnel-addr-", n => n.IPv4IPIPTunnelAddr, "projectcalico.org/IPv4IPIPTunnelAddr"),
        ("vxlanTunnelAddress", "vxlan-tunnel-addr-", n => n.IPv4VXLANTunnelAddr, "projectcalico.org/IPv4VXLANTunnelAddr"),
        ("vxlanV6TunnelAddress", "vxlan-v6-tunnel-addr-", n => n.IPv6VXLANTunnelAddr, "projectcalico.org/IPv6VXLANTunnelAddr"),
        ("wireguardTunnelAddress", "wireguard-tunnel-addr-", n => n.IPv4WireguardInterfaceAddr, "projectcalico.org/IPv4WireguardInterfaceAddr"),
        ("wireguardV6TunnelAddress", "wireguard-v6-tunnel-addr-", n => n.IPv6WireguardInterfaceAddr, "projectcalico.org/IPv6WireguardInterfaceAddr"),
    };

    /// <summary>A judging thread's handle slots of the current block's attributes, by attribute index.</summary>
    [ThreadStatic]
    private static int[]? t_attributeSlots;

    /// <summary>
    /// Judges every allocated ordinal. The judging (classification, owners) reads only indexes that are complete by
    /// now and writes only the block's own facts, so blocks are judged in parallel at scale; everything whose outcome
    /// depends on order (new handle slots, the first allocation of an address, the per-handle lists, the allocation
    /// list) is then done on this thread in block and ordinal order.
    /// </summary>
    private void ScanAllocations()
    {
        ForEachIndex(_blocks.Count, i => JudgeBlock(_blocks[i]));
        foreach (var block in _blocks)
        {
            if (block.HasUnknownHandles)
            {
                // Handle IDs without an IPAMHandle object get their slot here, in order.
                foreach (var attribute in block.Info.Attributes)
                {
                    if (attribute.SanitizedHandleId is { Length: > 0 } referenced)
                    {
                        _handles.MarkReferenced(_handles.GetOrAdd(referenced));
                    }
                }
            }

            foreach (var allocation in block.Allocations)
            {
                if (allocation.HandleSlot == HandleTable.None && allocation.Handle is { Length: > 0 } handle)
                {
                    allocation.HandleSlot = _handles.GetOrAdd(handle);
                }

                var owners = allocation.OwnerSlot;
                if (owners != OwnerTable.None && _owners.FirstAllocation(owners) is null)
                {
                    _owners.SetFirstAllocation(owners, allocation);
                    _allocatedOwnedAddresses++;
                }

                if (allocation.Verdict == AllocationVerdict.WindowsReserved)
                {
                    allocation.OwnerSlot = ReservedForWindows(owners);
                }

                _allocations.Add(allocation);
                if (allocation.Verdict != AllocationVerdict.WindowsReserved && allocation.HandleSlot != HandleTable.None)
                {
                    _handles.Push(allocation.HandleSlot, allocation);
                }
            }
        }
    }

    /// <summary>The order-free part of the scan for one block; safe to run for several blocks at once.</summary>
    private void JudgeBlock(BlockFacts block)
    {
        var info = block.Info;
        var attributes = info.Attributes;
        var attributeCount = attributes.Count;
        var slots = t_attributeSlots is { } buffer && buffer.Length >= attributeCount
            ? buffer
            : t_attributeSlots = new int[Math.Max(64, attributeCount)];
        for (var i = 0; i < attributeCount; i++)
        {
            // Every attribute counts as a reference, even one no ordinal points at: a handle is only orphaned when
            // no block mentions it anywhere. Setting the flag from several threads is harmless (they all set true).
            var slot = HandleTable.None;
            if (attributes[i].SanitizedHandleId is { Length: > 0 } referenced)
            {
                if (_handles.TryFind(referenced, out slot))
                {
                    _handles.MarkReferenced(slot);
                }
                else
                {
                    slot = HandleTable.None;
                    block.HasUnknownHandles = true;
                }
            }

            slots[i] = slot;
        }

        JudgeAllocations(block, slots);
    }

    private void JudgeAllocations(BlockFacts block, int[] slots)
    {
        var info = block.Info;
        var attributes = info.Attributes;
        var attributeCount = attributes.Count;
        if (info.Cidr.SizeAsInt32 is not { } size)
        {
            return;
        }

        var limit = Math.Min(size, info.Allocations.Count);
        var count = 0;
        for (var ordinal = 0; ordinal < limit; ordinal++)
        {
            count += info.Allocations[ordinal] is null ? 0 : 1;
        }

        block.Allocations.Capacity = count;
        for (var ordinal = 0; ordinal < limit; ordinal++)
        {
            if (info.Allocations[ordinal] is not { } index)
            {
                continue;
            }

            var inRange = index >= 0 && index < attributeCount;
            var allocation = new AllocationFacts(block, ordinal, inRange ? attributes[index] : null, inRange ? slots[index] : HandleTable.None);
            Classify(allocation);
            allocation.OwnerSlot = OwnerSlotOf(allocation);
            block.Allocations.Add(allocation);
        }
    }

    // calicoctl's in-use mark for these addresses; kept per allocation so it makes no MultipleOwners finding.
    private int ReservedForWindows(int owners)
    {
        if (owners == OwnerTable.None)
        {
            if (_reservedForWindows == OwnerTable.None)
            {
                _reservedForWindows = _owners.Detached(Owner.WindowsReserved);
            }

            return _reservedForWindows;
        }

        var reserved = _owners.Detached(Owner.WindowsReserved);
        foreach (var owner in _owners.All(owners).ToList())
        {
            _owners.Add(reserved, owner);
        }

        return reserved;
    }

    /// <summary>Works out the allocation's age the first time it is needed (findings and release holds; most never are).</summary>
    private void EnsureAge(AllocationFacts a)
    {
        if (!a.HasAge)
        {
            SetAge(a);
        }
    }

    private void SetAge(AllocationFacts a)
    {
        var created = GoTimestamp.Parse(a.TimestampText);
        if (created is null && a.Block.Info.CreationTimestamp is { } blockCreated)
        {
            // The block is older than anything in it, so this over-estimates the age; the Reason says so.
            created = blockCreated;
            a.AgeFromBlock = true;
        }

        if (a.Verdict == AllocationVerdict.CoolingDown && a.Attribute?.ReleasedAt is { } releasedAt)
        {
            created = releasedAt;
            a.AgeFromBlock = false;
        }

        a.Age = created is { } t ? _options.Now - t : null;
    }

    private void Classify(AllocationFacts a)
    {
        var attribute = a.Attribute;
        if (attribute is null)
        {
            Set(a, AllocationClass.BadAttribute, AllocationVerdict.Unknown, "the allocation points at an attribute that does not exist");
            return;
        }

        if (CalicoHandles.IsWindowsReserved(a.Handle))
        {
            Set(a, AllocationClass.WindowsReserved, AllocationVerdict.WindowsReserved, "reserved by the Windows host that created the block");
            return;
        }

        if (attribute.ReleasedAt is { } releasedAt)
        {
            var cooldown = _snapshot.Settings.IpCooldownSeconds;
            var ends = releasedAt.AddSeconds(cooldown);
            Set(a, AllocationClass.CoolingDown, AllocationVerdict.CoolingDown,
                "released at " + releasedAt.ToString("O", CultureInfo.InvariantCulture) + (ends > _options.Now
                    ? " and cooling down (ipCooldownSeconds " + cooldown + "); Calico frees it when the cooldown ends"
                    : "; its cooldown (ipCooldownSeconds " + cooldown + ") ended at " + ends.ToString("O", CultureInfo.InvariantCulture) +
                      ", and Calico frees it on the block's next write or kube-controllers' cold-IP pass"));
            return;
        }

        if (string.IsNullOrEmpty(a.Handle))
        {
            Set(a, AllocationClass.NoHandle, AllocationVerdict.Unknown,
                "the allocation has no handle, so nothing ties it to an owner and a release could not be checked against one");
            return;
        }

        if (FindTunnel(a) is { } tunnel)
        {
            ClassifyTunnel(a, tunnel);
            return;
        }

        if (attribute.HasVmiName || attribute.HasAlternateOwner)
        {
            Set(a, AllocationClass.VirtualMachine, AllocationVerdict.Unknown,
                "a KubeVirt VM address (vmi-name " + (attribute.Get("vmi-name") ?? "?") +
                "); VM addresses survive pod deletion by design and the snapshot holds no VM objects to check");
            return;
        }

        if (!string.IsNullOrEmpty(attribute.Service) || string.Equals(a.Block.AffinityType, "virtual", StringComparison.Ordinal))
        {
            ClassifyLoadBalancer(a);
            return;
        }

        if (a.Namespace is null || a.Pod is null)
        {
            Set(a, AllocationClass.Other, AllocationVerdict.Unknown,
                "the allocation names no pod and is not a tunnel address (allocated by calicoctl or another IPAM client?); Calico's GC never releases such addresses");
            return;
        }

        var dot = a.Handle.IndexOf('.', StringComparison.Ordinal);
        if (_options.DefaultNetworkName is { } network && dot > 0 && !a.Handle.AsSpan(0, dot).SequenceEqual(network))
        {
            Set(a, AllocationClass.SecondaryNetwork, AllocationVerdict.Unknown,
                "the handle belongs to CNI network '" + a.Handle[..dot] + "', not '" + network +
                "' (Multus or a secondary Calico network); pod status and annotations only show the default network's addresses");
            return;
        }

        ClassifyPod(a);
    }

    private static void Set(AllocationFacts a, AllocationClass allocationClass, AllocationVerdict verdict, string reason)
    {
        a.Class = allocationClass;
        a.Verdict = verdict;
        a.Reason = reason;
    }

    private static void Set(AllocationFacts a, AllocationClass allocationClass, AllocationVerdict verdict, Func<AllocationFacts, string> reason)
    {
        a.Class = allocationClass;
        a.Verdict = verdict;
        a.SetReason(reason);
    }

    private static (string Type, string Prefix, Func<NodeInfo, string?> Field, string Annotation, string? Node)? FindTunnel(AllocationFacts a)
    {
        foreach (var tunnel in Tunnels)
        {
            var byType = string.Equals(a.Type, tunnel.Type, StringComparison.Ordinal);
            var byHandle = a.Handle!.StartsWith(tunnel.Prefix, StringComparison.Ordinal);
            if (byType || byHandle)
            {
                var node = a.AttributeNode ?? (byHandle && a.Handle.Length > tunnel.Prefix.Length ? a.Handle[tunnel.Prefix.Length..] : null);
                return (tunnel.Type, tunnel.Prefix, tunnel.Field, tunnel.Annotation, node);
            }
        }

        return null;
    }

    private void ClassifyTunnel(AllocationFacts a, (string Type, string Prefix, Func<NodeInfo, string?> Field, string Annotation, string? Node) tunnel)
    {
        if (tunnel.Node is null)
        {
            Set(a, AllocationClass.Tunnel, AllocationVerdict.Unknown, "a " + tunnel.Type + " address that names no node");
            return;
        }

        var node = _snapshot.FindNode(tunnel.Node);
        if (node is null)
        {
            Set(a, AllocationClass.Tunnel, AllocationVerdict.Leaked, "the " + tunnel.Type + " address of node " + tunnel.Node + ", which no longer exists");
            return;
        }

        var current = tunnel.Field(node);
        if (current is not null && IpKey.TryParse(current, out var claimed) && claimed == a.Ip)
        {
            Set(a, AllocationClass.Tunnel, AllocationVerdict.InUse, "the " + tunnel.Type + " address of node " + tunnel.Node);
            return;
        }

        Set(a, AllocationClass.Tunnel, AllocationVerdict.InUse,
            "a " + tunnel.Type + " address of live node " + tunnel.Node + ", whose " + tunnel.Annotation + " is " +
            (string.IsNullOrEmpty(current) ? "empty" : current) + "; calico-node reconciles its own tunnel addresses");
    }

    private void ClassifyLoadBalancer(AllocationFacts a)
    {
        var name = a.Attribute!.Service;
        if (string.IsNullOrEmpty(name) || a.Namespace is null)
        {
            Set(a, AllocationClass.LoadBalancer, AllocationVerdict.Unknown,
                "an address in virtual block " + a.Block.Cidr + " (" + a.Block.Info.Affinity + ") that names no service; LoadBalancer addresses belong to Calico's LoadBalancer controller");
            return;
        }

        var service = a.Namespace + "/" + name;
        if (!_services.TryGetValue(service, out var info))
        {
            Set(a, AllocationClass.LoadBalancer, AllocationVerdict.Unknown,
                "the LoadBalancer address of service " + service + ", which no longer exists, so it is not in use; " +
                "LoadBalancer addresses are left to Calico's LoadBalancer controller");
            return;
        }

        var listed = info.IngressIPs.Any(ip => IpKey.TryParse(ip, out var key) && key == a.Ip) ||
            (IpKey.TryParse(info.LoadBalancerIP ?? string.Empty, out var requested) && requested == a.Ip);
        if (listed)
        {
            Set(a, AllocationClass.LoadBalancer, AllocationVerdict.InUse, "the LoadBalancer address of service " + service);
            return;
        }

        Set(a, AllocationClass.LoadBalancer, AllocationVerdict.Unknown,
            "allocated for service " + service + ", which does not list it in status.loadBalancer.ingress, so it is not in use; " +
            "LoadBalancer addresses are left to Calico's LoadBalancer controller");
    }

    private void ClassifyPod(AllocationFacts a)
    {
        if (FindPodFacts(a.Namespace!, a.Pod!) is not { } facts)
        {
            Set(a, AllocationClass.Pod, AllocationVerdict.Leaked, static x => "pod " + x.Namespace + "/" + x.Pod + " no longer exists");
            return;
        }

        a.PodFacts = facts;
        var pod = facts.Pod;

        // kube-controllers' allocationIsValid, rule by rule and in its order.
        if (!string.IsNullOrEmpty(pod.NodeName) && a.AttributeNode is { } allocatedOn &&
            !string.Equals(pod.NodeName, allocatedOn, StringComparison.Ordinal) && _snapshot.FindNode(allocatedOn) is not null)
        {
            Set(a, AllocationClass.Pod, AllocationVerdict.Leaked,
                "pod " + pod.Key + " now runs on node " + pod.NodeName + ", but this address was allocated for it on node " + allocatedOn);
            return;
        }

        if (string.IsNullOrEmpty(pod.StatusPodIP) || pod.StatusPodIPs.Count == 0)
        {
            Set(a, AllocationClass.Pod, AllocationVerdict.InUse, static x => "pod " + x.Namespace + "/" + x.Pod + " exists and has not reported its IP yet");
            return;
        }

        if (string.Equals(pod.Phase, "Failed", StringComparison.Ordinal) && string.Equals(pod.Reason, "Evicted", StringComparison.Ordinal))
        {
            Set(a, AllocationClass.Pod, AllocationVerdict.Leaked, "pod " + pod.Key + " was evicted (phase Failed, reason Evicted)");
            return;
        }

        if (facts.IsFinished)
        {
            var why = pod.Phase is "Failed" or "Succeeded" or "Completed"
                ? "is " + pod.Phase + ", and finished pods own no addresses"
                : "is terminating and Calico CNI has already cleared its cni.projectcalico.org/podIP annotation";
            Set(a, AllocationClass.Pod, AllocationVerdict.Leaked, "pod " + pod.Key + " " + why);
            return;
        }

        if (facts.ReportedIpsUnparseable)
        {
            Set(a, AllocationClass.Pod, AllocationVerdict.InUse, "pod " + pod.Key + " reports an address that does not parse, so it is treated as in use");
            return;
        }

        if (PodFacts.Contains(facts.ReportedIps, a.Ip))
        {
            Set(a, AllocationClass.Pod, AllocationVerdict.InUse, static x => "pod " + x.Namespace + "/" + x.Pod + " uses it");
            return;
        }

        // Beyond kube-controllers: the Calico annotation covers the family a single-stack status leaves out (§5 item 8),
        // and a handle naming the pod's current sandbox belongs to it whatever the status says (§5 item 3).
        if (PodFacts.Contains(facts.AnnotationIps, a.Ip))
        {
            Set(a, AllocationClass.Pod, AllocationVerdict.InUse,
                "pod " + pod.Key + " lists it in cni.projectcalico.org/podIPs (its status shows only " + Describe(facts.ReportedIps) + ")");
            return;
        }

        var dot = a.Handle!.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && !string.IsNullOrEmpty(pod.AnnotationContainerId) &&
            string.Equals(a.Handle[(dot + 1)..], pod.AnnotationContainerId, StringComparison.Ordinal))
        {
            Set(a, AllocationClass.Pod, AllocationVerdict.InUse, "the handle names the current sandbox of pod " + pod.Key + " (cni.projectcalico.org/containerID)");
            return;
        }

        Set(a, AllocationClass.Pod, AllocationVerdict.Leaked,
            "pod " + pod.Key + " exists but uses " + Describe(facts.ReportedIps) + "; this address is left from an earlier sandbox or an earlier pod of the same name");
        if (pod.HostNetwork)
        {
            a.Hold = "pod " + pod.Key + " is hostNetwork now, and Calico never allocates for hostNetwork pods, so check this one by hand";
        }
    }

    private static string Describe(ReadOnlySpan<IpKey> ips)
    {
        if (ips.IsEmpty)
        {
            return "no address";
        }

        var texts = new string[ips.Length];
        for (var i = 0; i < ips.Length; i++)
        {
            texts[i] = ips[i].ToString();
        }

        return string.Join(", ", texts);
    }
}
