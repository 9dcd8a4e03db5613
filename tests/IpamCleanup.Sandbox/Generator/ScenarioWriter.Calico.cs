namespace IpamCleanup.Sandbox;

/// <summary>The Calico objects: cluster-wide configuration, blocks, affinities and handles.</summary>
internal sealed partial class ScenarioWriter
{
    private byte[] ClusterInformation()
    {
        StartObject(_calicoApiVersion, "ClusterInformation", "default", null, DerivedUid("clusterinformation"), ClusterCreated);
        _json.WriteEndObject();
        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WriteString("calicoVersion", "v3.29.0");
        _json.WriteString("clusterGUID", new SplitMix64(_plan.Entropy).Hex(32));
        _json.WriteString("clusterType", "k8s,bgp,kubeadm,kdd");
        _json.WriteBoolean("datastoreReady", true);
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    private byte[] IpamConfig()
    {
        StartObject(_calicoApiVersion, _v3 ? "IPAMConfiguration" : "IPAMConfig", "default", null, DerivedUid("ipamconfig"), ClusterCreated);
        _json.WriteEndObject();
        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WriteBoolean("autoAllocateBlocks", true);
        _json.WriteNumber("maxBlocksPerHost", 0);
        _json.WriteBoolean("strictAffinity", false);
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    private byte[] KubeControllersConfiguration()
    {
        StartObject(_calicoApiVersion, "KubeControllersConfiguration", "default", null, DerivedUid("kubecontrollersconfiguration"), ClusterCreated);
        _json.WriteEndObject();
        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WritePropertyName("controllers");
        _json.WriteStartObject();
        _json.WritePropertyName("node");
        _json.WriteStartObject();
        _json.WriteString("leakGracePeriod", "15m0s");
        _json.WriteString("reconcilerPeriod", "5m0s");
        _json.WriteString("syncLabels", "Enabled");
        _json.WriteEndObject();
        _json.WritePropertyName("policy");
        _json.WriteStartObject();
        _json.WriteString("reconcilerPeriod", "5m0s");
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteString("etcdV3CompactionPeriod", "10m0s");
        _json.WriteString("healthChecks", "Enabled");
        _json.WriteString("logSeverityScreen", "Info");
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    private byte[] IpPool(string name, AddressPool pool)
    {
        StartObject(_calicoApiVersion, "IPPool", name, null, DerivedUid("ippool/" + name), ClusterCreated);
        _json.WriteEndObject();
        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WritePropertyName("allowedUses");
        _json.WriteStartArray();
        _json.WriteStringValue("Workload");
        _json.WriteStringValue("Tunnel");
        _json.WriteEndArray();
        _json.WriteNumber("blockSize", pool.BlockPrefix);
        _json.WriteString("cidr", pool.Cidr);
        _json.WriteString("ipipMode", _plan.Spec.Tunnel == TunnelType.Ipip && !pool.IsIpv6 ? "Always" : "Never");
        _json.WriteBoolean("natOutgoing", !pool.IsIpv6);
        _json.WriteString("nodeSelector", "all()");
        _json.WriteString("vxlanMode", _plan.Spec.Tunnel == TunnelType.Vxlan ? "Always" : "Never");
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    private byte[] Block(BlockPlan block)
    {
        var cidr = block.Cidr;
        StartObject(_calicoApiVersion, "IPAMBlock", block.Name, null, DerivedUid("block/" + cidr), block.ClaimNanos);
        _json.WriteEndObject();
        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WriteString("cidr", cidr);
        _json.WriteString("affinity", "host:" + block.Owner.Name);
        _json.WriteString("affinityClaimTime", Rfc(block.ClaimNanos));
        _json.WriteBoolean("strictAffinity", false);

        var byOrdinal = new int?[block.Pool.BlockSize];
        for (var i = 0; i < block.Allocations.Count; i++)
        {
            byOrdinal[block.Allocations[i].Ordinal] = i;
        }

        _json.WritePropertyName("allocations");
        _json.WriteStartArray();
        foreach (var attribute in byOrdinal)
        {
            if (attribute is { } index)
            {
                _json.WriteNumberValue(index);
            }
            else
            {
                _json.WriteNullValue();
            }
        }

        _json.WriteEndArray();
        _json.WritePropertyName("unallocated");
        _json.WriteStartArray();
        foreach (var ordinal in block.Unallocated)
        {
            _json.WriteNumberValue(ordinal);
        }

        _json.WriteEndArray();
        _json.WritePropertyName("attributes");
        _json.WriteStartArray();
        foreach (var allocation in block.Allocations)
        {
            WriteAttribute(allocation);
        }

        _json.WriteEndArray();
        _json.WriteNumber("sequenceNumber", block.SequenceNumber);
        _json.WritePropertyName("sequenceNumberForAllocation");
        _json.WriteStartObject();

        // Go marshals map keys in string order ("10" before "2").
        foreach (var allocation in block.Allocations.OrderBy(a => Invariant(a.Ordinal), StringComparer.Ordinal))
        {
            _json.WriteNumber(Invariant(allocation.Ordinal), allocation.Sequence);
        }

        _json.WriteEndObject();
        _json.WriteBoolean("deleted", false);
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    private void WriteAttribute(AllocationPlan allocation)
    {
        _json.WriteStartObject();
        _json.WriteString("handle_id", allocation.HandleId);
        if (allocation.Pod is { } pod)
        {
            WriteMap("secondary", ("namespace", pod.Namespace), ("node", allocation.Node.Name), ("pod", pod.Name), ("timestamp", GoTime.GoString(allocation.TimestampNanos)));
        }
        else
        {
            WriteMap("secondary", ("node", allocation.Node.Name), ("type", allocation.TunnelType!));
        }

        _json.WriteEndObject();
    }

    private byte[] Affinity(BlockPlan block)
    {
        var cidr = block.Cidr;
        StartObject(_calicoApiVersion, "BlockAffinity", CalicoNames.AffinityName(block.Owner.Name, cidr), null, DerivedUid("affinity/" + cidr), block.ClaimNanos);
        _json.WriteEndObject();
        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WriteString("cidr", cidr);

        // v1 stores the soft-delete flag as a string, v3 as a bool (calico-ipam.md §1.5).
        if (_v3)
        {
            _json.WriteBoolean("deleted", false);
        }
        else
        {
            _json.WriteString("deleted", "false");
        }

        _json.WriteString("node", block.Owner.Name);
        _json.WriteString("state", "confirmed");
        _json.WriteString("type", "host");
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    private byte[] Handle(string handleId, IReadOnlyList<BlockPlan> blocks, long created)
    {
        StartObject(_calicoApiVersion, "IPAMHandle", CalicoNames.HandleName(handleId), null, DerivedUid("handle/" + handleId), created);
        _json.WriteEndObject();
        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WritePropertyName("block");
        _json.WriteStartObject();
        foreach (var group in blocks.GroupBy(b => b.Cidr))
        {
            _json.WriteNumber(group.Key, group.Count());
        }

        _json.WriteEndObject();
        _json.WriteBoolean("deleted", false);
        _json.WriteString("handleID", handleId);
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }
}
