using System.Collections.Concurrent;
using System.Text.Json;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Snapshot;
using static IpamCleanup.Kubernetes.ListItemReader;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// Reads the pods of a LIST page straight into <see cref="PodInfo"/> records with a forward-only
/// <see cref="Utf8JsonReader"/>, skipping everything else (containers, volumes, managed fields, conditions). Pods
/// dominate a scan; this halves their parsing cost compared to a JsonDocument plus the builder.
/// It yields exactly what Core's <see cref="ClusterSnapshotBuilder.AddPod"/> yields (a test compares the two on every
/// edge case), so live reads, files and snapshots agree. Thread-safe: pages are parsed in parallel.
/// </summary>
internal sealed class PodExtractor
{
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    /// <summary>The pods of the page's <c>items</c>; pods without a name are skipped, as the builder skips them.</summary>
    public List<PodInfo> ExtractPage(ReadOnlySpan<byte> page) => ListItemReader.ReadItems<PodInfo>(page, ReadPod);

    /// <summary>Reads one pod; the reader is on its StartObject and ends on its EndObject.</summary>
    private PodInfo? ReadPod(ref Utf8JsonReader reader)
    {
        var pod = new PodFields();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                ReadMetadata(ref reader, ref pod);
            }
            else if (reader.ValueTextEquals("spec"u8))
            {
                reader.Read();
                ReadSpec(ref reader, ref pod);
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                ReadStatus(ref reader, ref pod);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        if (pod.Name is null)
        {
            return null;
        }

        IReadOnlyList<string> podIPs = Array.Empty<string>();
        if (pod.PodIPs is { Count: > 0 } list)
        {
            // The first entry repeats status.podIP: keep one string instance for both, as the builder does.
            for (var i = 0; i < list.Count; i++)
            {
                if (pod.StatusPodIP is not null && list[i] == pod.StatusPodIP)
                {
                    list[i] = pod.StatusPodIP;
                }
            }

            podIPs = list.ToArray();
        }

        var annotationPodIPs = pod.AnnotationPodIPs is not null && pod.AnnotationPodIPs == pod.AnnotationPodIP ? pod.AnnotationPodIP : pod.AnnotationPodIPs;
        return new PodInfo(
            Intern(pod.Namespace) ?? string.Empty,
            pod.Name,
            pod.Uid ?? string.Empty,
            Intern(pod.NodeName),
            Intern(pod.Phase),
            Intern(pod.Reason),
            pod.HostNetwork == true,
            GoTimestamp.Parse(pod.DeletionTimestamp),
            pod.StatusPodIP,
            podIPs,
            pod.AnnotationPodIP,
            annotationPodIPs,
            pod.AnnotationContainerId,
            pod.AwsPodIPs);
    }

    /// <summary>As JsonElement lookups do, the last occurrence of a property wins, and a non-object value clears the section.</summary>
    private static void ReadMetadata(ref Utf8JsonReader reader, ref PodFields pod)
    {
        pod.Name = pod.Namespace = pod.Uid = pod.DeletionTimestamp = null;
        ClearAnnotations(ref pod);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                pod.Name = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("namespace"u8))
            {
                pod.Namespace = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("uid"u8))
            {
                pod.Uid = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("deletionTimestamp"u8))
            {
                pod.DeletionTimestamp = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("annotations"u8))
            {
                reader.Read();
                ReadAnnotations(ref reader, ref pod);
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    private static void ReadAnnotations(ref Utf8JsonReader reader, ref PodFields pod)
    {
        ClearAnnotations(ref pod);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cni.projectcalico.org/podIP"u8))
            {
                pod.AnnotationPodIP = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("cni.projectcalico.org/podIPs"u8))
            {
                pod.AnnotationPodIPs = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("cni.projectcalico.org/containerID"u8))
            {
                pod.AnnotationContainerId = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("vpc.amazonaws.com/pod-ips"u8))
            {
                pod.AwsPodIPs = ReadString(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    private static void ReadSpec(ref Utf8JsonReader reader, ref PodFields pod)
    {
        pod.NodeName = null;
        pod.HostNetwork = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("nodeName"u8))
            {
                pod.NodeName = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("hostNetwork"u8))
            {
                pod.HostNetwork = ReadBool(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    private static void ReadStatus(ref Utf8JsonReader reader, ref PodFields pod)
    {
        pod.Phase = pod.Reason = pod.StatusPodIP = null;
        pod.PodIPs = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("phase"u8))
            {
                pod.Phase = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("reason"u8))
            {
                pod.Reason = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("podIP"u8))
            {
                pod.StatusPodIP = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("podIPs"u8))
            {
                reader.Read();
                pod.PodIPs = ReadPodIPs(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    /// <summary>The <c>ip</c> strings of <c>status.podIPs</c>; null when it is not an array.</summary>
    private static List<string>? ReadPodIPs(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var ips = new List<string>(2);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            string? ip = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("ip"u8))
                {
                    ip = ReadString(ref reader);
                }
                else
                {
                    SkipValue(ref reader);
                }
            }

            if (ip is not null)
            {
                ips.Add(ip);
            }
        }

        return ips;
    }

    private static void ClearAnnotations(ref PodFields pod) =>
        pod.AnnotationPodIP = pod.AnnotationPodIPs = pod.AnnotationContainerId = pod.AwsPodIPs = null;

    private string? Intern(string? value) => value is null ? null : _strings.GetOrAdd(value, value);

    private struct PodFields
    {
        public string? Name;
        public string? Namespace;
        public string? Uid;
        public string? DeletionTimestamp;
        public string? NodeName;
        public bool? HostNetwork;
        public string? Phase;
        public string? Reason;
        public string? StatusPodIP;
        public List<string>? PodIPs;
        public string? AnnotationPodIP;
        public string? AnnotationPodIPs;
        public string? AnnotationContainerId;
        public string? AwsPodIPs;
    }
}
