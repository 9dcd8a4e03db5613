namespace IpamCleanup.Kubernetes;

/// <summary>Which Calico API group holds the IPAM objects (calico-ipam.md §1.1).</summary>
public enum CalicoApiLayout
{
    /// <summary>Layout A: only <c>crd.projectcalico.org/v1</c> is served.</summary>
    Classic,

    /// <summary>Layout B: both groups are served (the aggregated API server); IPAM still lives in <c>crd.projectcalico.org/v1</c>.</summary>
    ClassicWithApiServer,

    /// <summary>Layout C: only the native <c>projectcalico.org/v3</c> CRDs (Calico v3.32+), or that group forced.</summary>
    NativeV3,
}
