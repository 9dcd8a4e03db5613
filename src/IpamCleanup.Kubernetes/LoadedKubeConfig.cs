using k8s;

namespace IpamCleanup.Kubernetes;

/// <summary>A validated client configuration, the context it came from, and the error factory that knows its secrets.</summary>
internal sealed record LoadedKubeConfig(KubernetesClientConfiguration Configuration, string ContextName, string Source, KubeErrorFactory Errors);
