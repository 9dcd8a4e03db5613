namespace IpamCleanup.Kubernetes;

/// <summary>The Calico resources this module reads or writes (calico-ipam.md §1.2).</summary>
public enum CalicoKind
{
    IpamBlock,
    IpamHandle,
    BlockAffinity,

    /// <summary><c>ipamconfigs</c> (IPAMConfig) in crd.projectcalico.org/v1, <c>ipamconfigurations</c> (IPAMConfiguration) in v3.</summary>
    IpamConfig,
    ClusterInformation,
    IpPool,
    KubeControllersConfiguration,
}
