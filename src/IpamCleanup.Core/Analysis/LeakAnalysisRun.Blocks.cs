using System.Globalization;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>Block-level findings: corrupt blocks, surplus empty blocks of live nodes, blocks of deleted nodes (F5, F6).</summary>
internal sealed partial class LeakAnalysisRun
{
    private static readonly TimeSpan EmptyBlockMinReclaimAge = TimeSpan.FromMinutes(1);

    private void EmitBlockFindings()
    {
        var byHost = new Dictionary<string, List<BlockFacts>>(StringComparer.Ordinal);
        foreach (var block in _blocks)
        {
            if (block.IsCorrupt)
            {
                EmitCorrupt(block);
            }

            if (block.Info.AffinityHost is { } host)
            {
                if (!byHost.TryGetValue(host, out var list))
                {
                    byHost[host] = list = new List<BlockFacts>();
                }

                list.Add(block);
            }
            else if (block.Info.Affinity is null && !block.IsCorrupt && block.Allocations.Count == 0)
            {
                EmitUnaffineEmpty(block);
            }
        }

        foreach (var (host, blocks) in byHost)
        {
            if (_snapshot.FindNode(host) is { } node)
            {
                EmitEmptyBlocks(node, blocks);
            }
            else
            {
                foreach (var block in blocks)
                {
                    EmitDeletedNodeBlock(host, block);
                }
            }
        }
    }

    private void EmitCorrupt(BlockFacts block)
    {
        var finding = new Finding
        {
            Kind = FindingKind.CorruptBlock,
            Releasable = false,
            Node = block.Info.AffinityHost,
            Age = NonNegative(_options.Now - block.Info.CreationTimestamp),
            Reason = "Block " + block.Cidr + " breaks the IPAM block invariants: " + string.Join("; ", block.Problems) + ".",
            Action = ReportOnly + ": nothing in this block is released; repair it by hand (calicoctl ipam check reports the same problems).",
            ClusterGuid = _clusterGuid,
            ObservedAt = _snapshot.TakenAt,
        };
        Add(WithBlock(finding, block) with { Block = block.Info.Cidr.IsValid ? block.Cidr : block.Info.Name }, block, 0, null, block.Info.Name);
    }

    private void EmitUnaffineEmpty(BlockFacts block)
    {
        var finding = BlockFinding(FindingKind.EmptyBlock, block, null, "Unaffine", false,
            "Block " + block.Cidr + " has no affinity and no allocations; Calico deletes non-affine blocks when their last address is released, so this one was left behind.",
            ReportOnly + ": delete block " + block.Info.Name + " with its resourceVersion and uid by hand if it stays empty.");
        Add(finding, block, 0, null, string.Empty);
    }

    private void EmitEmptyBlocks(NodeInfo node, List<BlockFacts> blocks)
    {
        var empties = blocks.Where(b => !b.IsCorrupt && b.Allocations.Count == 0 && b.Info.Allocations.All(a => a is null)).ToList();

        // Keep the most recently claimed empty blocks: the node is most likely to allocate from them next.
        empties.Sort((x, y) =>
        {
            var c = ClaimTime(y.Info).CompareTo(ClaimTime(x.Info));
            return c != 0 ? c : x.Base.CompareTo(y.Base);
        });
        var nonEmpty = blocks.Count - empties.Count;
        var keep = Math.Clamp(_options.KeepBlocksPerNode - nonEmpty, 0, empties.Count);
        for (var i = 0; i < empties.Count; i++)
        {
            var block = empties[i];
            var affinity = FindAffinity("host", node.Name, block.Cidr);
            var summary = "Block " + block.Cidr + " of live node " + node.Name + " has no allocations; the node has " +
                blocks.Count + " affine block(s) and keeps " + _options.KeepBlocksPerNode;
            if (i < keep)
            {
                if (_options.IncludeHealthy)
                {
                    Add(BlockFinding(FindingKind.EmptyBlock, block, affinity, "Empty", false, summary + "; this one is kept.", ReportOnly), block, 0, null, string.Empty);
                }

                continue;
            }

            var hold = EmptyBlockHold(node, block, affinity);
            var finding = hold is null
                ? BlockFinding(FindingKind.EmptyBlock, block, affinity, "Empty", true, summary + ".", ReleaseEmptyAction(block, affinity!))
                : BlockFinding(FindingKind.EmptyBlock, block, affinity, "Empty", false, summary + "; not released because " + hold + ".", ReportOnly);
            Add(finding, block, 0, null, string.Empty);
        }

        if (_options.IncludeHealthy)
        {
            foreach (var block in blocks)
            {
                if (!block.IsCorrupt && block.Allocations.Count > 0 && block.Allocations.TrueForAll(a => a.Verdict == AllocationVerdict.WindowsReserved))
                {
                    var affinity = FindAffinity("host", node.Name, block.Cidr);
                    Add(BlockFinding(FindingKind.EmptyBlock, block, affinity, "WindowsReservedOnly", false,
                        "Block " + block.Cidr + " of live node " + node.Name + " holds only Windows-reserved addresses; kube-controllers never treats such a block as empty on a live node.",
                        ReportOnly), block, 0, null, string.Empty);
                }
            }
        }
    }

    private string? EmptyBlockHold(NodeInfo node, BlockFacts block, AffinityInfo? affinity)
    {
        if (node.NetworkDuringMigration is { } network && !string.Equals(network, "calico", StringComparison.Ordinal))
        {
            return "node " + node.Name + " is being migrated to Calico (projectcalico.org/node-network-during-migration=" + network + ")";
        }

        return AffinityHold(block, affinity, node.Name) ?? ClaimHold(block);
    }

    private static string? AffinityHold(BlockFacts block, AffinityInfo? affinity, string node)
    {
        if (affinity is null)
        {
            return "no BlockAffinity object exists for node " + node + " and " + block.Cidr + ", which Calico's release path needs";
        }

        return affinity.State switch
        {
            "pending" => "its affinity " + affinity.Name + " is pending (a claim is in flight)",
            "pendingDeletion" => "its affinity " + affinity.Name + " is already pendingDeletion (a release is running or was interrupted; the node re-confirms it on its next allocation)",
            _ => null,
        };
    }

    private string? ClaimHold(BlockFacts block)
    {
        var claimed = block.Info.AffinityClaimTime ?? block.Info.CreationTimestamp;
        return claimed is { } t && _options.Now - t < EmptyBlockMinReclaimAge
            ? "it was claimed less than " + EmptyBlockMinReclaimAge.TotalMinutes.ToString(CultureInfo.InvariantCulture) + " minute ago (" + Format(_options.Now - t) + ")"
            : null;
    }

    private static DateTimeOffset ClaimTime(BlockInfo block) => block.AffinityClaimTime ?? block.CreationTimestamp ?? DateTimeOffset.MinValue;

    private void EmitDeletedNodeBlock(string host, BlockFacts block)
    {
        var affinity = FindAffinity("host", host, block.Cidr);
        var allocations = block.Allocations;
        var unknown = allocations.Find(a => a.Verdict == AllocationVerdict.Unknown);
        var ownInUse = allocations.Find(a => a.Verdict == AllocationVerdict.InUse && !IsOtherNode(a, host));
        var cooling = allocations.Count(a => a.Verdict == AllocationVerdict.CoolingDown);
        var borrowed = allocations.Where(a => a.Verdict == AllocationVerdict.InUse && IsOtherNode(a, host)).ToList();
        var leaked = allocations.Where(a => a.Verdict == AllocationVerdict.Leaked).ToList();
        var stuck = leaked.Find(a => !a.Releasable);
        var prefix = "Block " + block.Cidr + " is affine to node " + host + ", which no longer exists";

        string detail;
        string? hold = null;
        string content;
        if (unknown is not null || block.IsCorrupt && allocations.Count == 0 && block.Info.Allocations.Any(a => a is not null))
        {
            detail = "Unknown";
            content = unknown is null ? "it holds allocations that cannot be read" : "it holds " + unknown.IpText + ", which cannot be classified (" + unknown.Reason + ")";
            hold = "Calico's GC does not release such a node's blocks either";
        }
        else if (ownInUse is not null)
        {
            detail = "InUse";
            content = "it still holds " + ownInUse.IpText + " of the deleted node, which is in use (" + ownInUse.Reason + ")";
            hold = "the deleted node's pods still exist";
        }
        else if (cooling > 0)
        {
            detail = "CoolingDown";
            content = "it holds " + cooling + " address(es) cooling down";
            hold = "Calico frees them when the cooldown ends";
        }
        else if (borrowed.Count > 0)
        {
            detail = "Borrowed";
            content = "it holds " + borrowed.Count + " live address(es) of other nodes (" + string.Join(", ", borrowed.Take(3).Select(a => a.IpText + " of " + a.ReportNode)) + ")" +
                (leaked.Count > 0 ? " and " + leaked.Count + " leaked address(es)" : string.Empty);
        }
        else if (leaked.Count > 0)
        {
            detail = "LeakedOnly";
            content = "every allocation in it (" + leaked.Count + ") is leaked";
            if (stuck is not null)
            {
                hold = stuck.IpText + " cannot be released yet (" + (stuck.Hold ?? stuck.Reason) + ")";
            }
        }
        else
        {
            detail = "Empty";
            content = allocations.Count == 0 ? "it has no allocations" : "it holds only Windows-reserved addresses";
        }

        hold ??= block.IsCorrupt ? block.CorruptReason : string.Equals(affinity?.State, "pending", StringComparison.Ordinal)
            ? "its affinity " + affinity!.Name + " is pending (a claim is in flight)"
            : ClaimHold(block);

        var reason = prefix + "; " + content + (hold is null ? "." : "; not released because " + hold + ".");
        var action = hold is not null ? ReportOnly : detail switch
        {
            "Borrowed" => StripAffinityAction(block, affinity, borrowed.Count),
            "LeakedOnly" => "After the " + leaked.Count + " leaked address(es) in it are released (their LeakedIp/LeakedTunnelIp findings), " +
                LowerFirst(ReleaseEmptyAction(block, affinity)),
            _ => ReleaseEmptyAction(block, affinity),
        };
        Add(BlockFinding(FindingKind.DeletedNodeBlock, block, affinity, detail, hold is null, reason, action) with { Node = host }, block, 0, null, string.Empty);
    }

    private static bool IsOtherNode(AllocationFacts a, string host) =>
        a.ReportNode is { Length: > 0 } node && !string.Equals(node, host, StringComparison.Ordinal);

    private static string ReleaseEmptyAction(BlockFacts block, AffinityInfo? affinity) => affinity is null
        ? "Delete block " + block.Info.Name + " (resourceVersion " + block.Info.ResourceVersion + ", uid " + block.Info.Uid + "); no BlockAffinity object exists for it"
        : "Set affinity " + affinity.Name + " to pendingDeletion, delete block " + block.Info.Name + " (resourceVersion " + block.Info.ResourceVersion +
          ", uid " + block.Info.Uid + "), then delete affinity " + affinity.Name;

    private static string StripAffinityAction(BlockFacts block, AffinityInfo? affinity, int borrowed) =>
        (affinity is null ? string.Empty : "Set affinity " + affinity.Name + " to pendingDeletion, then ") +
        "remove the affinity from block " + block.Info.Name + " (resourceVersion " + block.Info.ResourceVersion + ") keeping its " + borrowed +
        " borrowed address(es)" + (affinity is null ? string.Empty : ", then delete affinity " + affinity.Name) +
        "; Calico deletes the block when its last address is released";

    private static string LowerFirst(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    private Finding BlockFinding(FindingKind kind, BlockFacts block, AffinityInfo? affinity, string detail, bool releasable, string reason, string action)
    {
        var claimed = block.Info.AffinityClaimTime ?? block.Info.CreationTimestamp;
        var finding = new Finding
        {
            Kind = kind,
            Releasable = releasable,
            Node = block.Info.AffinityHost,
            Age = claimed is { } t ? NonNegative(_options.Now - t) : null,
            Reason = reason,
            Action = action,
            Detail = detail,
            ClusterGuid = _clusterGuid,
            ObservedAt = _snapshot.TakenAt,
        };
        return WithAffinity(WithBlock(finding, block), affinity);
    }
}
