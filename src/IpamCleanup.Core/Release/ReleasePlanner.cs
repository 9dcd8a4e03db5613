using System.Globalization;
using System.Text;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Release;

/// <summary>
/// Groups findings into work items: one per block for leaked addresses (one batch per block, as Calico's
/// ReleaseIPs does), one per orphan handle, one per empty or deleted-node block, one per orphan affinity.
/// Pure: nothing is read or written. Address batches come first so that a deleted node's block is emptied by its
/// own batch before the block item runs.
/// </summary>
public static class ReleasePlanner
{
    /// <summary>The kinds Remove-CalicoLeakedIp accepts.</summary>
    public static IReadOnlySet<FindingKind> AddressKinds { get; } =
        new HashSet<FindingKind> { FindingKind.LeakedIp, FindingKind.LeakedTunnelIp, FindingKind.OrphanHandle };

    /// <summary>The kinds Remove-CalicoEmptyBlock accepts.</summary>
    public static IReadOnlySet<FindingKind> BlockKinds { get; } =
        new HashSet<FindingKind> { FindingKind.EmptyBlock, FindingKind.DeletedNodeBlock, FindingKind.OrphanAffinity };

    /// <summary>Every kind this engine can act on.</summary>
    public static IReadOnlySet<FindingKind> ReleasableKinds { get; } = new HashSet<FindingKind>(AddressKinds.Concat(BlockKinds));

    private const int AddressesListed = 8;

    /// <param name="findings">The input findings, in pipeline order.</param>
    /// <param name="acceptedKinds">The kinds the calling cmdlet accepts; others become <see cref="ReleaseErrorIds.FindingNotReleasable"/>. Null accepts <see cref="ReleasableKinds"/>.</param>
    public static ReleasePlan Plan(IEnumerable<Finding> findings, IReadOnlySet<FindingKind>? acceptedKinds = null)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var accepted = acceptedKinds ?? ReleasableKinds;
        var decided = new List<ReleaseResult>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var batches = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
        var batchOrder = new List<string>();
        var singles = new List<(ReleaseWorkKind Kind, Finding Finding)>();

        foreach (var finding in findings)
        {
            ArgumentNullException.ThrowIfNull(finding, nameof(findings));
            if (!accepted.Contains(finding.Kind) || !ReleasableKinds.Contains(finding.Kind))
            {
                decided.Add(ReleaseResult.Failed(finding, null, NotReleasable(finding, accepted)));
                continue;
            }

            if (Incomplete(finding) is { } missing)
            {
                decided.Add(ReleaseResult.Failed(finding, null, new IpamCleanupException(
                    ReleaseErrorIds.FindingIncomplete,
                    "InvalidData",
                    $"The {finding.Kind} finding has no {missing}, so it cannot be re-checked at write time.",
                    "Pipe findings straight from Get-CalicoIpamLeak (or its -OutFile), not hand-made objects.",
                    Describe(finding))));
                continue;
            }

            if (!seen.Add(IdentityOf(finding)))
            {
                decided.Add(ReleaseResult.Skipped(finding, null, ReleaseSkipReason.Duplicate, $"{Describe(finding)} appears more than once in the input; it is handled once."));
                continue;
            }

            if (!finding.Releasable)
            {
                decided.Add(ReleaseResult.Skipped(finding, null, ReleaseSkipReason.NotReleasable, $"The scan marked {Describe(finding)} report-only: {finding.Reason}"));
                continue;
            }

            switch (finding.Kind)
            {
                case FindingKind.LeakedIp or FindingKind.LeakedTunnelIp:
                    var cidr = CanonicalCidr(finding.Block!);
                    if (!batches.TryGetValue(cidr, out var batch))
                    {
                        batches[cidr] = batch = new List<Finding>();
                        batchOrder.Add(cidr);
                    }

                    batch.Add(finding);
                    break;
                case FindingKind.OrphanHandle:
                    singles.Add((ReleaseWorkKind.DeleteOrphanHandle, finding));
                    break;
                case FindingKind.DeletedNodeBlock:
                    singles.Add((ReleaseWorkKind.ReleaseDeletedNodeBlock, finding));
                    break;
                case FindingKind.EmptyBlock:
                    singles.Add((ReleaseWorkKind.ReleaseEmptyBlock, finding));
                    break;
                default:
                    singles.Add((ReleaseWorkKind.DeleteOrphanAffinity, finding));
                    break;
            }
        }

        var items = new List<ReleaseWorkItem>(batchOrder.Count + singles.Count);
        foreach (var cidr in batchOrder)
        {
            var batch = batches[cidr];
            batch.Sort(CompareAddresses);
            items.Add(IpBatch(items.Count, cidr, batch));
        }

        foreach (var kind in new[] { ReleaseWorkKind.DeleteOrphanHandle, ReleaseWorkKind.ReleaseDeletedNodeBlock, ReleaseWorkKind.ReleaseEmptyBlock, ReleaseWorkKind.DeleteOrphanAffinity })
        {
            foreach (var (itemKind, finding) in singles)
            {
                if (itemKind == kind)
                {
                    items.Add(Single(items.Count, kind, finding));
                }
            }
        }

        return new ReleasePlan(items, decided);
    }

    /// <summary>"10.0.0.5 in 10.0.0.0/26", "IPAMHandle x", "IPAMBlock 10-0-0-0-26 (10.0.0.0/26)": the finding in a message.</summary>
    public static string Describe(Finding finding) => finding.Kind switch
    {
        FindingKind.LeakedIp or FindingKind.LeakedTunnelIp => $"{finding.IP} in {BlockText(finding)}",
        FindingKind.OrphanHandle => "IPAMHandle " + HandleNameOf(finding),
        FindingKind.OrphanAffinity => "BlockAffinity " + (AffinityNameOf(finding) ?? "?"),
        _ => BlockText(finding),
    };

    /// <summary>The IPAMHandle object name of a finding: its recorded name, else the lower-cased handle ID.</summary>
    public static string? HandleNameOf(Finding finding) =>
        !string.IsNullOrEmpty(finding.HandleName) ? finding.HandleName :
        finding.Handle is { Length: > 0 } handle ? CalicoNames.HandleName(handle) : null;

    /// <summary>The BlockAffinity object name of a finding: its recorded name, else the name derived from node and CIDR.</summary>
    public static string? AffinityNameOf(Finding finding) =>
        !string.IsNullOrEmpty(finding.AffinityName) ? finding.AffinityName :
        finding.Node is { Length: > 0 } node && finding.Block is { } block && IpNet.TryParse(block, out var net) ? CalicoNames.AffinityName(node, net) : null;

    /// <summary>The IPAMBlock object name of a finding: its recorded name, else the name derived from the CIDR.</summary>
    public static string? BlockNameOf(Finding finding) =>
        !string.IsNullOrEmpty(finding.BlockName) ? finding.BlockName :
        finding.Block is { } block && IpNet.TryParse(block, out var net) ? CalicoNames.BlockName(net) : null;

    private static ReleaseWorkItem IpBatch(int id, string cidr, List<Finding> batch)
    {
        var name = BlockNameOf(batch[0])!;
        var target = $"IPAMBlock {name} ({cidr})";
        var noun = batch.Count == 1 ? "IP" : "IPs";
        var listed = new StringBuilder();
        for (var i = 0; i < batch.Count && i < AddressesListed; i++)
        {
            listed.Append(i == 0 ? string.Empty : ", ").Append(batch[i].IP);
        }

        if (batch.Count > AddressesListed)
        {
            listed.Append(CultureInfo.InvariantCulture, $" and {batch.Count - AddressesListed} more");
        }

        return new ReleaseWorkItem(
            id,
            ReleaseWorkKind.ReleaseIps,
            batch.ToArray(),
            "IPAMBlock",
            name,
            cidr,
            null,
            target,
            $"Release {batch.Count} {noun} ({listed})",
            $"release {batch.Count} {noun} from {target}");
    }

    private static ReleaseWorkItem Single(int id, ReleaseWorkKind kind, Finding finding)
    {
        var findings = new[] { finding };
        switch (kind)
        {
            case ReleaseWorkKind.DeleteOrphanHandle:
            {
                var name = HandleNameOf(finding)!;
                var target = "IPAMHandle " + name;
                return new ReleaseWorkItem(id, kind, findings, "IPAMHandle", name, null, null, target, "Delete orphan handle", "delete orphan " + target);
            }

            case ReleaseWorkKind.DeleteOrphanAffinity:
            {
                var name = AffinityNameOf(finding)!;
                var cidr = finding.Block is { } b ? CanonicalCidr(b) : null;
                var target = $"BlockAffinity {name} (node {finding.Node ?? "?"}, {cidr ?? "?"})";
                return new ReleaseWorkItem(id, kind, findings, "BlockAffinity", name, cidr, finding.Node, target, "Delete orphan affinity", "delete orphan " + target);
            }

            case ReleaseWorkKind.ReleaseDeletedNodeBlock:
            {
                var cidr = CanonicalCidr(finding.Block!);
                var name = BlockNameOf(finding)!;
                var target = $"IPAMBlock {name} ({cidr}) of deleted node {finding.Node}";
                var action = finding.Detail switch
                {
                    "Borrowed" => "Remove the deleted node's affinity (the block keeps other nodes' addresses)",
                    "LeakedOnly" => "Release its leaked addresses, then delete the block and its affinity",
                    _ => "Delete the block and its affinity",
                };
                return new ReleaseWorkItem(id, kind, findings, "IPAMBlock", name, cidr, finding.Node, target, action, $"{char.ToLowerInvariant(action[0])}{action[1..]}: {target}");
            }

            default:
            {
                var cidr = CanonicalCidr(finding.Block!);
                var name = BlockNameOf(finding)!;
                var target = $"IPAMBlock {name} ({cidr}) of node {finding.Node}";
                return new ReleaseWorkItem(id, kind, findings, "IPAMBlock", name, cidr, finding.Node, target, "Release empty block and its affinity", "release empty " + target + " and its affinity");
            }
        }
    }

    private static IpamCleanupException NotReleasable(Finding finding, IReadOnlySet<FindingKind> accepted)
    {
        var kinds = string.Join(", ", accepted.Where(ReleasableKinds.Contains).OrderBy(k => k));
        return new IpamCleanupException(
            ReleaseErrorIds.FindingNotReleasable,
            "InvalidArgument",
            $"{finding.Kind} findings are not released here ({Describe(finding)}); this command releases {kinds}.",
            finding.Kind is FindingKind.EmptyBlock or FindingKind.DeletedNodeBlock or FindingKind.OrphanAffinity
                ? "Pipe block findings to Remove-CalicoEmptyBlock."
                : finding.Kind is FindingKind.LeakedIp or FindingKind.LeakedTunnelIp or FindingKind.OrphanHandle
                    ? "Pipe address and handle findings to Remove-CalicoLeakedIp."
                    : "This kind is report-only; investigate it by hand (see the finding's Reason and Action).",
            Describe(finding));
    }

    private static string? Incomplete(Finding finding) => finding.Kind switch
    {
        FindingKind.LeakedIp or FindingKind.LeakedTunnelIp when !IpNet.TryParseAddress(finding.IP, out _) => "parseable IP",
        FindingKind.LeakedIp or FindingKind.LeakedTunnelIp when !ValidBlock(finding) => "parseable Block",
        FindingKind.LeakedIp or FindingKind.LeakedTunnelIp when !IpNet.Parse(finding.Block!).Contains(AddressOf(finding)) => "Block containing its IP",
        FindingKind.LeakedIp or FindingKind.LeakedTunnelIp when string.IsNullOrEmpty(finding.Handle) => "Handle",
        FindingKind.LeakedIp or FindingKind.LeakedTunnelIp when finding.SequenceNumber is null => "SequenceNumber",
        FindingKind.OrphanHandle when HandleNameOf(finding) is null => "Handle or HandleName",
        FindingKind.OrphanHandle when string.IsNullOrEmpty(finding.HandleResourceVersion) => "HandleResourceVersion",
        FindingKind.EmptyBlock or FindingKind.DeletedNodeBlock when !ValidBlock(finding) => "parseable Block",
        FindingKind.EmptyBlock or FindingKind.DeletedNodeBlock when string.IsNullOrEmpty(finding.Node) => "Node",
        FindingKind.OrphanAffinity when AffinityNameOf(finding) is null => "AffinityName (or Node and Block)",
        _ => null,
    };

    /// <summary>The parsed address of an address finding that passed <see cref="Incomplete"/>'s first check.</summary>
    private static System.Net.IPAddress AddressOf(Finding finding) => IpNet.TryParseAddress(finding.IP, out var address)
        ? address
        : throw new ArgumentException($"'{finding.IP}' is not an IP address.", nameof(finding));

    private static bool ValidBlock(Finding finding) => finding.Block is { } block && IpNet.TryParse(block, out _);

    private static string CanonicalCidr(string cidr) => IpNet.Parse(cidr).ToString();

    private static string BlockText(Finding finding) =>
        BlockNameOf(finding) is { } name ? $"IPAMBlock {name} ({CanonicalCidr(finding.Block!)})" : "IPAMBlock ?";

    private static string IdentityOf(Finding finding) => finding.Kind switch
    {
        FindingKind.LeakedIp or FindingKind.LeakedTunnelIp =>
            "ip/" + CanonicalCidr(finding.Block!) + "/" + IpKey.From(AddressOf(finding)),
        FindingKind.OrphanHandle => "handle/" + HandleNameOf(finding),
        FindingKind.OrphanAffinity => "affinity/" + AffinityNameOf(finding),
        _ => "block/" + CanonicalCidr(finding.Block!),
    };

    private static int CompareAddresses(Finding left, Finding right) =>
        IpNet.TryParseAddress(left.IP, out var l) && IpNet.TryParseAddress(right.IP, out var r)
            ? IpKey.From(l).CompareTo(IpKey.From(r))
            : string.CompareOrdinal(left.IP, right.IP);
}
