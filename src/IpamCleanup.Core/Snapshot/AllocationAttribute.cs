namespace IpamCleanup.Core.Snapshot;

/// <summary>One entry of a block's <c>attributes</c> array.</summary>
/// <param name="HandleId">The handle as stored (may carry a '\r' suffix; see <see cref="SanitizedHandleId"/>).</param>
/// <param name="Secondary">The <c>secondary</c> map (node, pod, namespace, timestamp, type, service, vmi-name, note...).</param>
/// <param name="HasAlternateOwner">True when <c>alternateOwnerAttrs</c> is present (KubeVirt live migration).</param>
/// <param name="ReleasedAt">v3.33 cooldown marker; such an entry has no handle and no owner attributes.</param>
public sealed record AllocationAttribute(
    string? HandleId,
    IReadOnlyDictionary<string, string> Secondary,
    bool HasAlternateOwner,
    DateTimeOffset? ReleasedAt)
{
    /// <summary>The handle with anything from the first '\r' on removed, as libcalico's sanitizeHandle does.</summary>
    public string? SanitizedHandleId
    {
        get
        {
            if (HandleId is null)
            {
                return null;
            }

            var cr = HandleId.IndexOf('\r');
            return cr < 0 ? HandleId : HandleId[..cr];
        }
    }

    public string? Get(string key) => Secondary.TryGetValue(key, out var value) ? value : null;
}
