using IpamCleanup.Core.Release;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>What one work item carries through its writes: the item (for result and audit text) and its warnings.</summary>
internal sealed class ItemContext
{
    private readonly List<string> _warnings = new();

    public ItemContext(ReleaseWorkItem item) => Item = item;

    public ReleaseWorkItem Item { get; }

    public IReadOnlyList<string> Warnings => _warnings;

    public void Warn(string warning) => _warnings.Add(warning);
}
