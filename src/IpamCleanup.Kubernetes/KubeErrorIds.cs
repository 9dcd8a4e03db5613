namespace IpamCleanup.Kubernetes;

/// <summary>The stable ErrorIds of <see cref="IpamCleanup.Core.IpamCleanupException"/>s raised by this assembly.</summary>
public static class KubeErrorIds
{
    public const string KubeConfigNotFound = nameof(KubeConfigNotFound);
    public const string KubeConfigInvalid = nameof(KubeConfigInvalid);
    public const string KubeContextNotFound = nameof(KubeContextNotFound);
    public const string ApiServerUnreachable = nameof(ApiServerUnreachable);
    public const string ApiServerForbidden = nameof(ApiServerForbidden);
    public const string ApiServerUnauthorized = nameof(ApiServerUnauthorized);
    public const string CalicoNotInstalled = nameof(CalicoNotInstalled);
    public const string ApiServerError = nameof(ApiServerError);
}
