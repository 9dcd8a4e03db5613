using IpamCleanup.Core;

namespace IpamCleanup.Kubernetes;

/// <summary>Builds the <see cref="IpamCleanupException"/>s of this assembly with every text scrubbed of credentials.</summary>
internal sealed class KubeErrorFactory
{
    private readonly SecretScrubber _scrubber;

    public KubeErrorFactory(SecretScrubber scrubber)
    {
        _scrubber = scrubber;
    }

    public SecretScrubber Scrubber => _scrubber;

    public IpamCleanupException Create(string errorId, string category, string message, string recommendedAction, string? target = null, Exception? inner = null) =>
        new(errorId, category, _scrubber.Scrub(message), _scrubber.Scrub(recommendedAction), target is null ? null : _scrubber.Scrub(target), SafeInner(inner));

    public IpamCleanupException ConfigNotFound(string message, string? target = null) =>
        Create(KubeErrorIds.KubeConfigNotFound, "ObjectNotFound", message,
            "Pass -KubeConfig with the path of a kubeconfig file, set $env:KUBECONFIG, or create ~/.kube/config (for example with your cloud CLI's 'cluster config' command).",
            target);

    public IpamCleanupException ConfigInvalid(string message, string? target = null, string? recommendedAction = null) =>
        Create(KubeErrorIds.KubeConfigInvalid, "InvalidData", message,
            recommendedAction ?? "Fix the kubeconfig (check it with 'kubectl config view'), or pass -KubeConfig with a working file.",
            target);

    /// <summary>Keeps an inner exception only when nothing in its message chain needed scrubbing.</summary>
    private Exception? SafeInner(Exception? inner)
    {
        for (var e = inner; e is not null; e = e.InnerException)
        {
            if (!string.Equals(_scrubber.Scrub(e.Message), e.Message, StringComparison.Ordinal))
            {
                return null;
            }
        }

        return inner;
    }
}
