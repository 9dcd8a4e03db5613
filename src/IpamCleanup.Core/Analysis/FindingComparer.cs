using System.Globalization;
using System.Text;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// Time safety across observations (-ConfirmAfter, -Baseline): a finding is confirmed only when an earlier
/// observation saw the same problem on the same unchanged object.
/// </summary>
public static class FindingComparer
{
    /// <summary>
    /// The <paramref name="later"/> findings whose identity also appears in <paramref name="earlier"/>, in later's order
    /// and with later's values (Releasable included: an address too young the first time may be old enough now).
    /// Identity: kind and cluster, plus
    /// <list type="bullet">
    /// <item>per-address kinds: address, block CIDR and UID, sanitised handle and sequence number (not the block's
    /// resourceVersion, which changes whenever any other ordinal of the block does);</item>
    /// <item>OrphanHandle: handle ID, UID and resourceVersion;</item>
    /// <item>EmptyBlock, DeletedNodeBlock, CorruptBlock: block CIDR, UID and resourceVersion, affinity UID and
    /// resourceVersion, and Detail;</item>
    /// <item>OrphanAffinity: affinity name, UID and resourceVersion, and the CIDR;</item>
    /// <item>InUseNotAllocated, MultipleOwners: address and owners.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<Finding> Intersect(IEnumerable<Finding> earlier, IEnumerable<Finding> later)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var finding in earlier)
        {
            seen.Add(Identity(finding));
        }

        var confirmed = new List<Finding>();
        foreach (var finding in later)
        {
            if (seen.Contains(Identity(finding)))
            {
                confirmed.Add(finding);
            }
        }

        return confirmed;
    }

    /// <summary>The identity text two observations of the same problem share; see <see cref="Intersect"/>.</summary>
    public static string Identity(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var key = new StringBuilder(128)
            .Append(finding.Kind.ToString()).Append('\u001f')
            .Append(finding.ClusterGuid).Append('\u001f');
        switch (finding.Kind)
        {
            case FindingKind.OrphanHandle:
                Join(key, finding.Handle, finding.HandleUid, finding.HandleResourceVersion);
                break;
            case FindingKind.EmptyBlock or FindingKind.DeletedNodeBlock or FindingKind.CorruptBlock:
                Join(key, finding.Block, finding.BlockUid, finding.BlockResourceVersion, finding.AffinityUid, finding.AffinityResourceVersion, finding.Detail);
                break;
            case FindingKind.OrphanAffinity:
                Join(key, finding.AffinityName, finding.AffinityUid, finding.AffinityResourceVersion, finding.Block);
                break;
            case FindingKind.InUseNotAllocated or FindingKind.MultipleOwners:
                Join(key, finding.IP, string.Join(",", finding.Owners.OrderBy(o => o, StringComparer.Ordinal)));
                break;
            default:
                Join(key, finding.IP, finding.Block, finding.BlockUid, finding.Handle,
                    finding.SequenceNumber?.ToString(CultureInfo.InvariantCulture), finding.Namespace, finding.Pod);
                break;
        }

        return key.ToString();
    }

    private static void Join(StringBuilder key, params string?[] parts)
    {
        foreach (var part in parts)
        {
            // Null and empty differ: "no sequence number" must not match "sequence number 0" written as text.
            key.Append(part is null ? "\u0000" : part).Append('\u001f');
        }
    }
}
