using System.Globalization;
using System.Text.Json;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Snapshot;

/// <summary>
/// Turns single Kubernetes objects (as <see cref="JsonElement"/>s) into the snapshot records, keeping only the fields
/// the records hold. Malformed IPAM data never throws: blocks collect what they could not read in ParseErrors.
/// </summary>
internal static class SnapshotParsers
{
    private static readonly string[] NoStrings = Array.Empty<string>();
    private static readonly string[] DefaultAllowedUses = { "Workload", "Tunnel" };

    public static bool IsSoftDeleted(JsonElement item) =>
        item.TryGetObject("spec", out var spec) && spec.GetBoolOrNull("deleted") == true;

    /// <summary>A pod, or null when it has no name.</summary>
    public static PodInfo? ParsePod(JsonElement pod, StringPool? pool)
    {
        pod.TryGetObject("metadata", out var metadata);
        var name = metadata.GetStringOrNull("name");
        if (name is null)
        {
            return null;
        }

        string? annotationPodIP = null, annotationPodIPs = null, annotationContainerId = null, awsPodIPs = null;
        if (metadata.TryGetObject("annotations", out var annotations))
        {
            annotationPodIP = annotations.GetStringOrNull("cni.projectcalico.org/podIP");
            annotationPodIPs = annotations.GetStringOrNull("cni.projectcalico.org/podIPs");
            if (annotationPodIPs is not null && annotationPodIPs == annotationPodIP)
            {
                annotationPodIPs = annotationPodIP;
            }

            annotationContainerId = annotations.GetStringOrNull("cni.projectcalico.org/containerID");
            awsPodIPs = annotations.GetStringOrNull("vpc.amazonaws.com/pod-ips");
        }

        pod.TryGetObject("spec", out var spec);
        pod.TryGetObject("status", out var status);
        var statusPodIP = status.GetStringOrNull("podIP");
        IReadOnlyList<string> podIPs = NoStrings;
        if (status.TryGetArray("podIPs", out var podIPArray) && podIPArray.GetArrayLength() > 0)
        {
            var list = new List<string>(podIPArray.GetArrayLength());
            foreach (var entry in podIPArray.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                // The first entry repeats status.podIP: keep one string instance for both.
                if (statusPodIP is not null && entry.TryGetProperty("ip", out var ipElement) &&
                    ipElement.ValueKind == JsonValueKind.String && ipElement.ValueEquals(statusPodIP))
                {
                    list.Add(statusPodIP);
                }
                else if (entry.GetStringOrNull("ip") is { } ip)
                {
                    list.Add(ip);
                }
            }

            podIPs = list.Count == 0 ? NoStrings : list.ToArray();
        }

        return new PodInfo(
            StringPool.Intern(pool, metadata.GetStringOrNull("namespace")) ?? string.Empty,
            name,
            metadata.GetStringOrNull("uid") ?? string.Empty,
            StringPool.Intern(pool, spec.GetStringOrNull("nodeName")),
            StringPool.Intern(pool, status.GetStringOrNull("phase")),
            StringPool.Intern(pool, status.GetStringOrNull("reason")),
            spec.GetBoolOrNull("hostNetwork") == true,
            metadata.GetTimeOrNull("deletionTimestamp"),
            statusPodIP,
            podIPs,
            annotationPodIP,
            annotationPodIPs,
            annotationContainerId,
            awsPodIPs);
    }

    public static NodeInfo? ParseNode(JsonElement node, StringPool? pool)
    {
        node.TryGetObject("metadata", out var metadata);
        var name = metadata.GetStringOrNull("name");
        if (name is null)
        {
            return null;
        }

        metadata.TryGetObject("annotations", out var annotations);
        metadata.TryGetObject("labels", out var labels);
        return new NodeInfo(
            StringPool.Intern(pool, name)!,
            metadata.GetStringOrNull("uid") ?? string.Empty,
            annotations.GetStringOrNull("projectcalico.org/IPv4IPIPTunnelAddr"),
            annotations.GetStringOrNull("projectcalico.org/IPv4VXLANTunnelAddr"),
            annotations.GetStringOrNull("projectcalico.org/IPv6VXLANTunnelAddr"),
            annotations.GetStringOrNull("projectcalico.org/IPv4WireguardInterfaceAddr"),
            annotations.GetStringOrNull("projectcalico.org/IPv6WireguardInterfaceAddr"),
            labels.GetStringOrNull("projectcalico.org/node-network-during-migration"));
    }

    public static ServiceInfo? ParseService(JsonElement service, StringPool? pool)
    {
        service.TryGetObject("metadata", out var metadata);
        var name = metadata.GetStringOrNull("name");
        if (name is null)
        {
            return null;
        }

        service.TryGetObject("spec", out var spec);
        IReadOnlyList<string> ingressIPs = NoStrings;
        if (service.TryGetObject("status", out var status) && status.TryGetObject("loadBalancer", out var loadBalancer) &&
            loadBalancer.TryGetArray("ingress", out var ingress) && ingress.GetArrayLength() > 0)
        {
            var list = new List<string>(ingress.GetArrayLength());
            foreach (var entry in ingress.EnumerateArray())
            {
                if (entry.GetStringOrNull("ip") is { } ip)
                {
                    list.Add(ip);
                }
            }

            ingressIPs = list.Count == 0 ? NoStrings : list.ToArray();
        }

        return new ServiceInfo(
            StringPool.Intern(pool, metadata.GetStringOrNull("namespace")) ?? string.Empty,
            name,
            metadata.GetStringOrNull("uid") ?? string.Empty,
            StringPool.Intern(pool, spec.GetStringOrNull("type")),
            spec.GetStringOrNull("loadBalancerClass"),
            spec.GetStringOrNull("loadBalancerIP"),
            ingressIPs);
    }

    public static BlockInfo ParseBlock(JsonElement block, StringPool? pool)
    {
        block.TryGetObject("metadata", out var metadata);
        var errors = new List<string>();
        if (!block.TryGetObject("spec", out var spec))
        {
            errors.Add("spec is missing");
        }

        var cidrText = spec.GetStringOrNull("cidr");
        if (!IpNet.TryParse(cidrText, out var cidr))
        {
            errors.Add(cidrText is null ? "cidr is missing" : $"cidr '{cidrText}' is not a valid CIDR");
        }

        var allocations = ParseAllocations(spec, errors);
        var unallocated = ParseUnallocated(spec, errors);
        var attributes = ParseAttributes(spec, errors, pool);

        ulong sequenceNumber = 0;
        if (spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("sequenceNumber", out var sequenceElement) &&
            sequenceElement.ValueKind != JsonValueKind.Null &&
            !(sequenceElement.ValueKind == JsonValueKind.Number && sequenceElement.TryGetUInt64(out sequenceNumber)))
        {
            errors.Add($"sequenceNumber {sequenceElement.GetRawText()} is not an unsigned 64-bit integer");
        }

        var sequenceByOrdinal = new Dictionary<int, ulong>();
        if (spec.TryGetObject("sequenceNumberForAllocation", out var sequenceMap))
        {
            foreach (var entry in sequenceMap.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
                {
                    errors.Add($"sequenceNumberForAllocation key '{entry.Name}' is not an ordinal");
                }
                else if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetUInt64(out var number))
                {
                    errors.Add($"sequenceNumberForAllocation[{entry.Name}] {entry.Value.GetRawText()} is not an unsigned 64-bit integer");
                }
                else
                {
                    sequenceByOrdinal[ordinal] = number;
                }
            }
        }

        return new BlockInfo(
            metadata.GetStringOrNull("name") ?? string.Empty,
            metadata.GetStringOrNull("uid") ?? string.Empty,
            metadata.GetStringOrNull("resourceVersion") ?? string.Empty,
            metadata.GetTimeOrNull("creationTimestamp"),
            cidr,
            StringPool.Intern(pool, spec.GetStringOrNull("affinity")),
            spec.GetTimeOrNull("affinityClaimTime"),
            allocations,
            unallocated,
            attributes,
            sequenceNumber,
            sequenceByOrdinal,
            errors.Count == 0 ? NoStrings : errors.ToArray());
    }

    public static HandleInfo ParseHandle(JsonElement handle, StringPool? pool)
    {
        handle.TryGetObject("metadata", out var metadata);
        handle.TryGetObject("spec", out var spec);
        var name = metadata.GetStringOrNull("name") ?? string.Empty;
        var blocks = new Dictionary<string, int>(StringComparer.Ordinal);
        if (spec.TryGetObject("block", out var blockMap))
        {
            foreach (var entry in blockMap.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Number && entry.Value.TryGetInt32(out var count))
                {
                    blocks[StringPool.Intern(pool, entry.Name)!] = count;
                }
            }
        }

        return new HandleInfo(
            name,
            metadata.GetStringOrNull("uid") ?? string.Empty,
            metadata.GetStringOrNull("resourceVersion") ?? string.Empty,
            metadata.GetTimeOrNull("creationTimestamp"),
            spec.GetStringOrNull("handleID") ?? name,
            blocks);
    }

    public static AffinityInfo ParseAffinity(JsonElement affinity, StringPool? pool)
    {
        affinity.TryGetObject("metadata", out var metadata);
        affinity.TryGetObject("spec", out var spec);
        var type = spec.GetStringOrNull("type");
        return new AffinityInfo(
            metadata.GetStringOrNull("name") ?? string.Empty,
            metadata.GetStringOrNull("uid") ?? string.Empty,
            metadata.GetStringOrNull("resourceVersion") ?? string.Empty,
            metadata.GetTimeOrNull("creationTimestamp"),
            StringPool.Intern(pool, spec.GetStringOrNull("node")) ?? string.Empty,
            string.IsNullOrEmpty(type) ? "host" : StringPool.Intern(pool, type)!,
            spec.GetStringOrNull("cidr") ?? string.Empty,
            StringPool.Intern(pool, spec.GetStringOrNull("state")) ?? string.Empty);
    }

    public static PoolInfo? ParsePool(JsonElement ipPool)
    {
        ipPool.TryGetObject("metadata", out var metadata);
        ipPool.TryGetObject("spec", out var spec);
        var name = metadata.GetStringOrNull("name");
        if (name is null)
        {
            return null;
        }

        var cidrText = spec.GetStringOrNull("cidr");
        IpNet.TryParse(cidrText, out var cidr);
        // A block size the family cannot have would make block lookups throw; Calico's validation forbids it anyway.
        var blockSize = spec.GetInt32OrNull("blockSize") is { } size and > 0 && (!cidr.IsValid || size <= cidr.Bits)
            ? size
            : Model.IpPoolObject.DefaultBlockSize(cidrText);

        IReadOnlyList<string> allowedUses = DefaultAllowedUses;
        if (spec.TryGetArray("allowedUses", out var uses) && uses.GetArrayLength() > 0)
        {
            var list = new List<string>(uses.GetArrayLength());
            foreach (var use in uses.EnumerateArray())
            {
                if (use.ValueKind == JsonValueKind.String)
                {
                    list.Add(use.GetString()!);
                }
            }

            allowedUses = list;
        }

        return new PoolInfo(name, cidr, blockSize, spec.GetBoolOrNull("disabled") == true, spec.GetStringOrNull("nodeSelector"), allowedUses);
    }

    public static ClusterInfoSummary ParseClusterInformation(JsonElement clusterInformation)
    {
        clusterInformation.TryGetObject("metadata", out var metadata);
        clusterInformation.TryGetObject("spec", out var spec);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata.TryGetObject("annotations", out var annotationMap))
        {
            foreach (var entry in annotationMap.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.String)
                {
                    annotations[entry.Name] = entry.Value.GetString()!;
                }
            }
        }

        bool? ready = spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("datastoreReady", out var readyElement)
            ? readyElement.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null }
            : null;

        return new ClusterInfoSummary(
            metadata.GetStringOrNull("resourceVersion") ?? string.Empty,
            spec.GetStringOrNull("clusterGUID"),
            spec.GetStringOrNull("clusterType"),
            spec.GetStringOrNull("calicoVersion"),
            ready,
            annotations);
    }

    public static DatastoreMigrationInfo? ParseMigration(JsonElement migration)
    {
        migration.TryGetObject("metadata", out var metadata);
        migration.TryGetObject("status", out var status);
        var name = metadata.GetStringOrNull("name");
        return name is null ? null : new DatastoreMigrationInfo(name, status.GetStringOrNull("phase"), metadata.GetTimeOrNull("creationTimestamp"));
    }

    private static int?[] ParseAllocations(JsonElement spec, List<string> errors)
    {
        if (!spec.TryGetArray("allocations", out var array))
        {
            errors.Add("allocations is missing");
            return Array.Empty<int?>();
        }

        var allocations = new int?[array.GetArrayLength()];
        var ordinal = 0;
        foreach (var entry in array.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Number && entry.TryGetInt32(out var index))
            {
                allocations[ordinal] = index;
            }
            else if (entry.ValueKind != JsonValueKind.Null)
            {
                errors.Add($"allocation {ordinal} is not an attribute index: {entry.GetRawText()}");
            }

            ordinal++;
        }

        return allocations;
    }

    private static IReadOnlyList<int> ParseUnallocated(JsonElement spec, List<string> errors)
    {
        if (!spec.TryGetArray("unallocated", out var array))
        {
            errors.Add("unallocated is missing");
            return Array.Empty<int>();
        }

        var unallocated = new List<int>(array.GetArrayLength());
        var position = 0;
        foreach (var entry in array.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Number && entry.TryGetInt32(out var ordinal))
            {
                unallocated.Add(ordinal);
            }
            else
            {
                errors.Add($"unallocated[{position}] is not an ordinal: {entry.GetRawText()}");
            }

            position++;
        }

        return unallocated;
    }

    private static AllocationAttribute[] ParseAttributes(JsonElement spec, List<string> errors, StringPool? pool)
    {
        if (!spec.TryGetArray("attributes", out var array))
        {
            // Go's encoder writes "attributes": null for a nil slice in some versions; an absent array is empty.
            return Array.Empty<AllocationAttribute>();
        }

        var attributes = new AllocationAttribute[array.GetArrayLength()];
        var index = 0;
        List<KeyValuePair<string, string>>? pairs = null;
        foreach (var entry in array.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"attribute {index} is not an object: {entry.GetRawText()}");
                attributes[index++] = new AllocationAttribute(null, SecondaryMap.Empty, false, null);
                continue;
            }

            // One pass over the entry's properties; a repeated property takes its last value, as TryGetProperty does.
            string? handleId = null;
            var secondary = SecondaryMap.Empty;
            var alternateOwner = false;
            DateTimeOffset? releasedAt = null;
            foreach (var property in entry.EnumerateObject())
            {
                var value = property.Value;
                if (property.NameEquals("handle_id"u8))
                {
                    handleId = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                }
                else if (property.NameEquals("secondary"u8))
                {
                    secondary = value.ValueKind == JsonValueKind.Object ? ParseSecondary(value, pairs ??= new List<KeyValuePair<string, string>>(8), pool) : SecondaryMap.Empty;
                }
                else if (property.NameEquals("alternateOwnerAttrs"u8))
                {
                    alternateOwner = value.ValueKind == JsonValueKind.Object;
                }
                else if (property.NameEquals("releasedAt"u8))
                {
                    releasedAt = value.ValueKind == JsonValueKind.String ? GoTimestamp.Parse(value.GetString()) : null;
                }
            }

            attributes[index++] = new AllocationAttribute(handleId, secondary, alternateOwner, releasedAt);
        }

        return attributes;
    }

    private static SecondaryMap ParseSecondary(JsonElement secondaryMap, List<KeyValuePair<string, string>> pairs, StringPool? pool)
    {
        pairs.Clear();
        foreach (var pair in secondaryMap.EnumerateObject())
        {
            if (pair.Value.ValueKind == JsonValueKind.String)
            {
                var value = pair.Value.GetString()!;
                var key = KnownSecondaryKey(pair);
                pairs.Add(key is null
                    ? new KeyValuePair<string, string>(StringPool.Intern(pool, pair.Name)!, value)
                    : new KeyValuePair<string, string>(key, key is "node" or "namespace" or "type" or "note" ? StringPool.Intern(pool, value)! : value));
            }
        }

        return SecondaryMap.From(pairs);
    }

    /// <summary>The keys Calico writes, compared as UTF-8 so that their names are neither decoded nor pooled per entry.</summary>
    private static string? KnownSecondaryKey(JsonProperty pair) =>
        pair.NameEquals("node"u8) ? "node"
        : pair.NameEquals("pod"u8) ? "pod"
        : pair.NameEquals("namespace"u8) ? "namespace"
        : pair.NameEquals("timestamp"u8) ? "timestamp"
        : pair.NameEquals("type"u8) ? "type"
        : pair.NameEquals("service"u8) ? "service"
        : pair.NameEquals("note"u8) ? "note"
        : pair.NameEquals("vmi-name"u8) ? "vmi-name"
        : null;
}
