using System.Runtime.InteropServices;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// A pod's addresses, parsed once: the Calico WEP view (getPodIPs precedence) and the Calico annotation. There is one
/// per pod (150,000 at scale) and nearly every pod has exactly one address, so that one is kept inline: an array is
/// only made for several.
/// </summary>
internal sealed class PodFacts : Owner
{
    private const int StackLimit = 8;

    private readonly IpKey[]? _reportedMany;

    // Null when the annotation lists exactly the reported addresses (the usual case).
    private readonly IpKey[]? _annotation;
    private IpKey _reportedOne;
    private bool _hasReportedOne;
    private int _reportedOneOwnerSlot = OwnerTable.None;

    private PodFacts(PodInfo pod, bool isFinished, ReadOnlySpan<IpKey> reportedIps, bool reportedIpsUnparseable, IpKey[]? annotationIps)
        : base("Workload", null, pod, pod.NodeName)
    {
        IsFinished = isFinished;
        if (reportedIps.Length == 1)
        {
            _reportedOne = reportedIps[0];
            _hasReportedOne = true;
        }
        else if (reportedIps.Length > 1)
        {
            _reportedMany = reportedIps.ToArray();
        }

        ReportedIpsUnparseable = reportedIpsUnparseable;
        _annotation = annotationIps;
    }

    public PodInfo Pod => OwnerPod!;

    /// <summary>libcalico IsFinished: Failed/Succeeded/Completed, or being deleted after Calico (or AWS) CNI cleared its annotation.</summary>
    public bool IsFinished { get; }

    /// <summary>status.podIPs, else status.podIP, else the podIPs / podIP annotation, else AWS pod-ips; empty when finished.</summary>
    public ReadOnlySpan<IpKey> ReportedIps =>
        _reportedMany is { } many ? many
        : _hasReportedOne ? MemoryMarshal.CreateReadOnlySpan(ref _reportedOne, 1)
        : ReadOnlySpan<IpKey>.Empty;

    /// <summary>One of the chosen addresses did not parse: kube-controllers then treats the allocation as valid.</summary>
    public bool ReportedIpsUnparseable { get; }

    /// <summary><c>cni.projectcalico.org/podIPs</c> and <c>podIP</c>: the Calico view even when status is single-stack.</summary>
    public ReadOnlySpan<IpKey> AnnotationIps => _annotation is { } annotation ? annotation : ReportedIps;

    /// <summary>
    /// The <see cref="OwnerTable"/> slot of the pod's one reported address, once the pod's addresses were claimed;
    /// <see cref="OwnerTable.None"/> otherwise. It spares the scan a lookup for nearly every allocation.
    /// </summary>
    public int OwnerSlotOf(IpKey ip) => _hasReportedOne && _reportedOne == ip ? _reportedOneOwnerSlot : OwnerTable.None;

    /// <summary>Remembers the owner slot of the pod's one reported address (see <see cref="OwnerSlotOf"/>).</summary>
    public void SetOwnerSlot(IpKey ip, int slot)
    {
        if (_hasReportedOne && _reportedOne == ip)
        {
            _reportedOneOwnerSlot = slot;
        }
    }

    /// <summary>The annotation lists exactly the <see cref="ReportedIps"/> (in any order).</summary>
    public bool AnnotationSameAsReported => _annotation is null;

    /// <summary>IsValidCalicoWorkloadEndpoint: only scheduled, non-hostNetwork pods have Calico addresses.</summary>
    public bool IsWorkload => !Pod.HostNetwork && !string.IsNullOrEmpty(Pod.NodeName);

    /// <summary>A workload that still owns its addresses.</summary>
    public bool IsLiveWorkload => IsWorkload && !IsFinished;

    public static PodFacts From(PodInfo pod)
    {
        var finished = IsPodFinished(pod);
        var unparseable = false;
        scoped ReadOnlySpan<IpKey> reported = ReadOnlySpan<IpKey>.Empty;
        Span<IpKey> buffer = stackalloc IpKey[StackLimit];
        if (!finished)
        {
            if (pod.StatusPodIPs.Count > 0)
            {
                reported = ParseList(pod.StatusPodIPs, pod.StatusPodIPs.Count <= StackLimit ? buffer : new IpKey[pod.StatusPodIPs.Count], ref unparseable);
            }
            else
            {
                var chosen = !string.IsNullOrEmpty(pod.StatusPodIP) ? pod.StatusPodIP
                    : !string.IsNullOrEmpty(pod.AnnotationPodIPs) ? pod.AnnotationPodIPs
                    : !string.IsNullOrEmpty(pod.AnnotationPodIP) ? pod.AnnotationPodIP
                    : pod.AwsPodIPs;
                if (!string.IsNullOrEmpty(chosen))
                {
                    var parts = Parts(chosen);
                    reported = ParseCsv(chosen, parts <= StackLimit ? buffer : new IpKey[parts], ref unparseable);
                }
            }
        }

        return new PodFacts(pod, finished, reported, unparseable, ParseAnnotationIps(pod, reported));
    }

    public static bool Contains(ReadOnlySpan<IpKey> ips, IpKey ip)
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

    // The annotation usually lists exactly the status addresses: parse it on the stack, and keep nothing then.
    private static IpKey[]? ParseAnnotationIps(PodInfo pod, ReadOnlySpan<IpKey> reported)
    {
        var texts = pod.AnnotationPodIPs ?? string.Empty;
        var capacity = 2;
        foreach (var c in texts)
        {
            capacity += c == ',' ? 1 : 0;
        }

        Span<IpKey> keys = capacity <= StackLimit ? stackalloc IpKey[capacity] : new IpKey[capacity];
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
                return null;
            }
        }

        return found.ToArray();
    }

    private static ReadOnlySpan<IpKey> ParseList(IReadOnlyList<string> texts, Span<IpKey> keys, ref bool unparseable)
    {
        var count = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            Add(keys, ref count, texts[i], ref unparseable);
        }

        return keys[..count];
    }

    private static int Parts(string text)
    {
        var parts = 1;
        foreach (var c in text)
        {
            parts += c == ',' ? 1 : 0;
        }

        return parts;
    }

    private static ReadOnlySpan<IpKey> ParseCsv(string text, Span<IpKey> keys, ref bool unparseable)
    {
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

        return keys[..count];
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
