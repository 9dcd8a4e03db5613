namespace IpamCleanup.Sandbox;

/// <summary>Which Calico API groups the sandbox serves (calico-ipam.md §1.1).</summary>
public enum ApiLayout
{
    /// <summary>Layout A: only <c>crd.projectcalico.org/v1</c>.</summary>
    V1,

    /// <summary>Layout C: only the native <c>projectcalico.org/v3</c> CRDs.</summary>
    V3,

    /// <summary>Layout B-ish: both groups, each with its own objects.</summary>
    Both,
}
