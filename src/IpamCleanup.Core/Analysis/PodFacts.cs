using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>A pod's addresses, parsed once: the Calico WEP view (getPodIPs precedence) and the Calico annotation.</summary>
internal sealed class PodFacts : Owner
{
    private PodFacts(PodInfo pod, bool isFinished, IpKey[] reportedIps, bool reportedIpsUnparseable, IpKey[] annotationIps)
        : base("Workload", null, pod, pod.NodeName)
    {
        IsFinished = isFinished;
        ReportedIps = reportedIps;
        ReportedIpsUnparseable = reportedIpsUnparseable;
        AnnotationIps = annotationIps;
    }

    public PodInfo Pod => OwnerPod!;

    /// <summary>libcalico IsFinished: Failed/Succeeded/Completed, or being deleted after Calico (or AWS) CNI cleared its annotation.</summary>
    public bool IsFinished { get; }

    /// <summary>status.podIPs, else status.podIP, else the podIPs / podIP annotation, else AWS pod-ips; empty when finished.</summary>
    public IpKey[] ReportedIps { get; }

    /// <summary>One of the chosen addresses did not parse: kube-controllers then treats the allocation as valid.</summary>
    public bool ReportedIpsUnparseable { get; }

    /// <summary><c>cni.projectcalico.org/podIPs</c> and <c>podIP</c>: the Calico view even when status is single-stack.</summary>
    public IpKey[] AnnotationIps { get; }

    /// <summary>IsValidCalicoWorkloadEndpoint: only scheduled, non-hostNetwork pods have Calico addresses.</summary>
    public bool IsWorkload => !Pod.HostNetwork && !string.IsNullOrEmpty(Pod.NodeName);

    /// <summary>A workload that still owns its addresses.</summary>
    public bool IsLiveWorkload => IsWorkload && !IsFinished;

    public static PodFacts From(PodInfo pod)
    {
        var finished = IsPodFinished(pod);
        var unparseable = false;
        var reported = Array.Empty<IpKey>();
        if (!finished)
        {
            if (pod.StatusPodIPs.Count > 0)
            {
                reported = ParseList(pod.StatusPodIPs, ref unparseable);
            }
            else
            {
                var chosen = !string.IsNullOrEmpty(pod.StatusPodIP) ? pod.StatusPodIP
                    : !string.IsNullOrEmpty(pod.AnnotationPodIPs) ? pod.AnnotationPodIPs
                    : !string.IsNullOrEmpty(pod.AnnotationPodIP) ? pod.AnnotationPodIP
                    : pod.AwsPodIPs;
                reported = chosen is null ? Array.Empty<IpKey>() : ParseCsv(chosen, ref unparseable);
            }
        }

        return new PodFacts(pod, finished, reported, unparseable, ParseAnnotationIps(pod, reported));
    }

    public static bool Contains(IpKey[] ips, IpKey ip)
    {
        foreach (var candidate in ips)
        {
            if (candidate == ip)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPodFinished(PodInfo pod)
    {
        if (pod.DeletionTimestamp is not null && (pod.AnnotationPodIP is "" || pod.AwsPodIPs is ""))
        {
            return true;
        }

        return pod.Phase is "Failed" or "Succeeded" or "Completed";
    }

    // The annotation usually lists exactly the status addresses: parse it on the stack and share the status array then.
    private static IpKey[] ParseAnnotationIps(PodInfo pod, IpKey[] reported)
    {
        var texts = pod.AnnotationPodIPs ?? string.Empty;
        var capacity = 2;
        foreach (var c in texts)
        {
            capacity += c == ',' ? 1 : 0;
        }

        Span<IpKey> keys = capacity <= 8 ? stackalloc IpKey[capacity] : new IpKey[capacity];
        var count = 0;
        var ignored = false;
        var rest = texts.AsSpan();
        while (!rest.IsEmpty)
        {
            var comma = rest.IndexOf(',');
            Add(keys, ref count, comma < 0 ? rest : rest[..comma], ref ignored);
            rest = comma < 0 ? ReadOnlySpan<char>.Empty : rest[(comma + 1)..];
        }

        if (!string.IsNullOrEmpty(pod.AnnotationPodIP))
        {
            Add(keys, ref count, pod.AnnotationPodIP, ref ignored);
        }

        var found = keys[..count];
        if (found.Length == reported.Length)
        {
            var same = true;
            foreach (var key in found)
            {
                same &= Contains(reported, key);
            }

            if (same)
            {
                return reported;
            }
        }

        return found.ToArray();
    }

    private static IpKey[] ParseList(IReadOnlyList<string> texts, ref bool unparseable)
    {
        var keys = new IpKey[texts.Count];
        var count = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            Add(keys, ref count, texts[i], ref unparseable);
        }

        return count == keys.Length ? keys : keys[..count];
    }

    private static IpKey[] ParseCsv(string? text, ref bool unparseable)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Array.Empty<IpKey>();
        }

        var parts = 1;
        foreach (var c in text)
        {
            parts += c == ',' ? 1 : 0;
        }

        var keys = new IpKey[parts];
        var count = 0;
        var rest = text.AsSpan();
        while (true)
        {
            var comma = rest.IndexOf(',');
            Add(keys, ref count, comma < 0 ? rest : rest[..comma], ref unparseable);
            if (comma < 0)
            {
                break;
            }

            rest = rest[(comma + 1)..];
        }

        return count == keys.Length ? keys : keys[..count];
    }

    private static void Add(Span<IpKey> keys, ref int count, ReadOnlySpan<char> text, ref bool unparseable)
    {
        if (!IpKey.TryParse(text, out var key))
        {
            unparseable = true;
            return;
        }

        for (var i = 0; i < count; i++)
        {
            if (keys[i] == key)
            {
                return;
            }
        }

        keys[count++] = key;
    }
}
