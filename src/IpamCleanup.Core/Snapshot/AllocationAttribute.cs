using IpamCleanup.Core.Naming;

namespace IpamCleanup.Core.Snapshot;

/// <summary>One entry of a block's <c>attributes</c> array.</summary>
/// <param name="HandleId">The handle as stored (may carry a '\r' suffix; see <see cref="SanitizedHandleId"/>).</param>
/// <param name="Secondary">The <c>secondary</c> map (node, pod, namespace, timestamp, type, service, vmi-name, note...).</param>
/// <param name="HasAlternateOwner">True when <c>alternateOwnerAttrs</c> is present (KubeVirt live migration).</param>
/// <param name="ReleasedAt">v3.33 cooldown marker; such an entry has no handle and no owner attributes.</param>
/// <remarks>
/// The sanitised handle and the secondary values the analysis reads for every allocation are worked out once, when the
/// attribute is made (or changed with <c>with</c>), instead of on every read: at 150,000 allocations the repeated
/// lookups were a large part of an analysis.
/// </remarks>
public sealed record AllocationAttribute(
    string? HandleId,
    IReadOnlyDictionary<string, string> Secondary,
    bool HasAlternateOwner,
    DateTimeOffset? ReleasedAt)
{
    private readonly string? _handleId = HandleId;
    private readonly string? _sanitizedHandleId = CalicoHandles.Sanitize(HandleId);
    private readonly IReadOnlyDictionary<string, string> _secondary = Secondary;
    private readonly WellKnownSecondary _wellKnown = WellKnownSecondary.Of(Secondary);

    public string? HandleId
    {
        get => _handleId;
        init
        {
            _handleId = value;
            _sanitizedHandleId = CalicoHandles.Sanitize(value);
        }
    }

    public IReadOnlyDictionary<string, string> Secondary
    {
        get => _secondary;
        init
        {
            _secondary = value;
            _wellKnown = WellKnownSecondary.Of(value);
        }
    }

    /// <summary>The handle with anything from the first '\r' on removed, as libcalico's sanitizeHandle does.</summary>
    public string? SanitizedHandleId => _sanitizedHandleId;

    /// <summary><c>secondary.node</c>; null when absent.</summary>
    internal string? Node => _wellKnown.Node;

    /// <summary><c>secondary.pod</c>; null when absent.</summary>
    internal string? Pod => _wellKnown.Pod;

    /// <summary><c>secondary.namespace</c>; null when absent.</summary>
    internal string? Namespace => _wellKnown.Namespace;

    /// <summary><c>secondary.type</c>; null when absent.</summary>
    internal string? Type => _wellKnown.Type;

    /// <summary><c>secondary.timestamp</c>; null when absent.</summary>
    internal string? Timestamp => _wellKnown.Timestamp;

    /// <summary><c>secondary.service</c>; null when absent.</summary>
    internal string? Service => _wellKnown.Service;

    /// <summary>Whether <c>secondary</c> has a <c>vmi-name</c> key (whatever its value).</summary>
    internal bool HasVmiName => _wellKnown.HasVmiName;

    public string? Get(string key) => Secondary.TryGetValue(key, out var value) ? value : null;
}

/// <summary>The secondary values the analysis reads for every allocation, taken out of the map once.</summary>
internal readonly record struct WellKnownSecondary(string? Node, string? Pod, string? Namespace, string? Type, string? Timestamp, string? Service, bool HasVmiName)
{
    public static WellKnownSecondary Of(IReadOnlyDictionary<string, string>? secondary)
    {
        if (secondary is SecondaryMap map)
        {
            return map.WellKnown;
        }

        if (secondary is null || secondary.Count == 0)
        {
            return default;
        }

        return new WellKnownSecondary(
            Get(secondary, "node"),
            Get(secondary, "pod"),
            Get(secondary, "namespace"),
            Get(secondary, "type"),
            Get(secondary, "timestamp"),
            Get(secondary, "service"),
            secondary.ContainsKey("vmi-name"));
    }

    private static string? Get(IReadOnlyDictionary<string, string> secondary, string key) => secondary.TryGetValue(key, out var value) ? value : null;
}
