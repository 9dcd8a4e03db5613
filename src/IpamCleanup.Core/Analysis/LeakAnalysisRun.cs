using System.Globalization;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// One analysis of one snapshot. Indexes are built once (pods by key, handles by sanitised ID, owners by address,
/// allocations by handle and by address); every rule is then a lookup. The partial files hold the rule families.
/// </summary>
internal sealed partial class LeakAnalysisRun
{
    private const string ReportOnly = "report only";

    private readonly ClusterSnapshot _snapshot;
    private readonly AnalysisOptions _options;
    private readonly string? _clusterGuid;
    private readonly Dictionary<(string Namespace, string Name), PodFacts> _pods;
    private readonly Dictionary<string, ServiceInfo> _services;
    private readonly Dictionary<string, HandleInfo> _handles;
    private readonly Dictionary<string, AffinityInfo> _affinities;
    private readonly Dictionary<IpKey, OwnerSet> _owners;
    private readonly List<BlockFacts> _blocks;
    private readonly Dictionary<string, BlockFacts> _blocksByCidr;
    private readonly List<AllocationFacts> _allocations;
    private readonly Dictionary<IpKey, AllocationFacts> _firstAllocationByIp;
    private readonly Dictionary<string, AllocationFacts> _allocationsByHandle;
    private readonly HashSet<string> _referencedHandles;
    private readonly List<SortableFinding> _findings = new();
    private int _inUseOutsideActivePools;
    private OwnerSet? _reservedForWindows;

    public LeakAnalysisRun(ClusterSnapshot snapshot, AnalysisOptions options)
    {
        _snapshot = snapshot;
        _options = options;
        _clusterGuid = snapshot.ClusterInformation?.ClusterGuid;

        _pods = new Dictionary<(string Namespace, string Name), PodFacts>(snapshot.Pods.Count);
        foreach (var pod in snapshot.Pods)
        {
            _pods[(pod.Namespace, pod.Name)] = PodFacts.From(pod);
        }

        // Sized once: at scale every resize of these would copy hundreds of thousands of entries.
        var expected = Math.Max(snapshot.Pods.Count, snapshot.Handles.Count);
        _owners = new Dictionary<IpKey, OwnerSet>(snapshot.Pods.Count + snapshot.Nodes.Count);
        _firstAllocationByIp = new Dictionary<IpKey, AllocationFacts>(expected);
        _allocationsByHandle = new Dictionary<string, AllocationFacts>(expected, StringComparer.Ordinal);
        _referencedHandles = new HashSet<string>(expected, StringComparer.Ordinal);
        _allocations = new List<AllocationFacts>(expected);

        _services = new Dictionary<string, ServiceInfo>(snapshot.Services.Count, StringComparer.Ordinal);
        foreach (var service in snapshot.Services)
        {
            _services[service.Namespace + "/" + service.Name] = service;
        }

        _handles = new Dictionary<string, HandleInfo>(snapshot.Handles.Count, StringComparer.Ordinal);
        foreach (var handle in snapshot.Handles)
        {
            _handles.TryAdd(Sanitize(handle.HandleId), handle);
        }

        _affinities = new Dictionary<string, AffinityInfo>(snapshot.Affinities.Count, StringComparer.Ordinal);
        foreach (var affinity in snapshot.Affinities)
        {
            if (IpNet.TryParse(affinity.Cidr, out var cidr))
            {
                _affinities.TryAdd(AffinityKey(AffinityType(affinity), affinity.Node, cidr.ToString()), affinity);
            }
        }

        _blocks = new List<BlockFacts>(snapshot.Blocks.Count);
        _blocksByCidr = new Dictionary<string, BlockFacts>(snapshot.Blocks.Count, StringComparer.Ordinal);
        foreach (var block in snapshot.Blocks)
        {
            var facts = new BlockFacts(block, Model.BlockValidator.Validate(block, options.Now));
            _blocks.Add(facts);
            if (block.Cidr.IsValid)
            {
                _blocksByCidr.TryAdd(facts.Cidr, facts);
            }
        }
    }

    public AnalysisResult Run()
    {
        CollectOwners();
        ScanAllocations();
        DecideHandles();
        EmitAllocationFindings();
        EmitOrphanHandles();
        EmitBlockFindings();
        EmitOrphanAffinities();
        EmitOwnerFindings();

        _findings.Sort(SortableFinding.Compare);
        var all = _findings.ConvertAll(f => f.Finding);
        var summary = SummaryBuilder.Build(_snapshot, _blocks, _allocations, all, _inUseOutsideActivePools);
        var kinds = _options.Kinds;
        IReadOnlyList<Finding> findings = kinds is null ? all : all.FindAll(f => kinds.Contains(f.Kind));
        return new AnalysisResult(findings, summary, new AllocationStateList(_allocations));
    }

    private static string Sanitize(string handleId) => CalicoHandles.Sanitize(handleId) ?? string.Empty;

    private static string AffinityType(AffinityInfo affinity) => string.IsNullOrEmpty(affinity.Type) ? "host" : affinity.Type;

    private static string AffinityKey(string type, string node, string cidr) => type + ":" + node + "\n" + cidr;

    private AffinityInfo? FindAffinity(string type, string node, string cidr) =>
        _affinities.TryGetValue(AffinityKey(type, node, cidr), out var affinity) ? affinity : null;

    private static string Format(TimeSpan span) =>
        span.TotalDays >= 1 ? span.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture)
        : span < TimeSpan.Zero ? "-" + span.Duration().ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)
        : span.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);

    private static TimeSpan? NonNegative(TimeSpan? age) => age is { } a && a < TimeSpan.Zero ? TimeSpan.Zero : age;

    private void Add(Finding finding, BlockFacts? block, int ordinal, IpKey? ip, string tiebreak)
    {
        IpKey? blockBase = block is not null && block.Info.Cidr.IsValid ? block.Base : null;
        _findings.Add(new SortableFinding(finding, blockBase, block?.Info.Cidr.Prefix ?? 0, ordinal, ip, tiebreak));
    }

    private Finding WithBlock(Finding finding, BlockFacts block) => finding with
    {
        Block = block.Cidr,
        BlockName = block.Info.Name,
        BlockResourceVersion = block.Info.ResourceVersion,
        BlockUid = block.Info.Uid,
        BlockSequenceNumber = block.Info.SequenceNumber,
    };

    private static Finding WithAffinity(Finding finding, AffinityInfo? affinity) => affinity is null ? finding : finding with
    {
        AffinityName = affinity.Name,
        AffinityResourceVersion = affinity.ResourceVersion,
        AffinityUid = affinity.Uid,
    };
}
