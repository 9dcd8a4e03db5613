using System.Net;

namespace IpamCleanup.Core.Snapshot;

/// <summary>
/// The fields of a core v1 Pod that IPAM analysis needs; never the whole pod.
/// Null means the field is absent; an empty string means present and empty (the difference matters for
/// <c>cni.projectcalico.org/podIP</c>, which Calico clears to "" on CNI DEL).
/// </summary>
public sealed record PodInfo(
    string Namespace,
    string Name,
    string Uid,
    string? NodeName,
    string? Phase,
    string? Reason,
    bool HostNetwork,
    DateTimeOffset? DeletionTimestamp,
    string? StatusPodIP,
    IReadOnlyList<string> StatusPodIPs,
    string? AnnotationPodIP,
    string? AnnotationPodIPs,
    string? AnnotationContainerId,
    string? AwsPodIPs)
{
    public string Key => Namespace + "/" + Name;
}
