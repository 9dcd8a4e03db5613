using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// One analysis of one snapshot. Indexes are built once (pods by key, handles by sanitised ID, owners by address,
/// allocations by handle and by address); every rule is then a lookup. The snapshot's own pod and handle indexes are
/// reused when they answer the same question (no repeated keys, no '\r' in handle IDs: always so in practice). The
/// partial files hold the rule families.
/// </summary>
internal sealed partial class LeakAnalysisRun
{
    private const string ReportOnly = "report only";

    /// <summary>
    /// From this many blocks on (a few thousand allocations), the per-allocation work runs on up to
    /// <see cref="MaxParallelism"/> cores. The result is the same either way: whatever depends on order is done
    /// afterwards, in snapshot order, on one thread.
    /// </summary>
    private const int ParallelBlockThreshold = 256;

    private const int MaxParallelism = 8;

    private readonly ClusterSnapshot _snapshot;
    private readonly int _parallelism;
    private readonly AnalysisOptions _options;
    private readonly string? _clusterGuid;
    private readonly PodFacts[] _podFacts;

    /// <summary>Only when the snapshot's pod keys repeat; otherwise pods are found through the snapshot's index.</summary>
    private readonly Dictionary<(string Namespace, string Name), PodFacts>? _pods;

    private readonly Dictionary<string, ServiceInfo> _services;
    private HandleTable _handles = null!;
    private readonly Dictionary<string, AffinityInfo> _affinities;
    private readonly OwnerTable _owners;
    private readonly List<BlockFacts> _blocks;
    private readonly Dictionary<string, BlockFacts> _blocksByCidr;
    private readonly List<AllocationFacts> _allocations;
    private readonly List<SortableFinding> _findings = new();
    private int _inUseOutsideActivePools;

    /// <summary>Claimed addresses the scan found allocated (the others are InUseNotAllocated candidates).</summary>
    private int _allocatedOwnedAddresses;
    private int _reservedForWindows = OwnerTable.None;

    public LeakAnalysisRun(ClusterSnapshot snapshot, AnalysisOptions options)
    {
        _snapshot = snapshot;
        _options = options;
        _clusterGuid = snapshot.ClusterInformation?.ClusterGuid;
        _parallelism = options.Parallelism
            ?? (snapshot.Blocks.Count >= ParallelBlockThreshold ? Math.Clamp(Environment.ProcessorCount, 1, MaxParallelism) : 1);

        // Sized once: at scale every resize of these would copy hundreds of thousands of entries.
        var expected = Math.Max(snapshot.Pods.Count, snapshot.Handles.Count);
        _owners = new OwnerTable(snapshot.Pods.Count + snapshot.Nodes.Count);
        _allocations = new List<AllocationFacts>(expected);
        _services = new Dictionary<string, ServiceInfo>(snapshot.Services.Count, StringComparer.Ordinal);
        _pods = snapshot.PodKeysUnique ? null : new Dictionary<(string Namespace, string Name), PodFacts>(snapshot.Pods.Count);
        _affinities = new Dictionary<string, AffinityInfo>(snapshot.Affinities.Count, StringComparer.Ordinal);
        _blocks = new List<BlockFacts>(snapshot.Blocks.Count);
        _blocksByCidr = new Dictionary<string, BlockFacts>(snapshot.Blocks.Count, StringComparer.Ordinal);

        // First what each pod and block says on its own (in parallel at scale), then the indexes over them, the pod
        // side and the IPAM side side by side, each in snapshot order.
        var pods = snapshot.Pods;
        var blocks = snapshot.Blocks;
        var podFacts = _podFacts = new PodFacts[pods.Count];
        var blockFacts = new BlockFacts[blocks.Count];
        ForEachIndex(pods.Count + blocks.Count, i =>
        {
            if (i < podFacts.Length)
            {
                podFacts[i] = PodFacts.From(pods[i]);
            }
            else
            {
                i -= podFacts.Length;
                blockFacts[i] = new BlockFacts(blocks[i], Model.BlockValidator.Validate(blocks[i], options.Now), _owners);
            }
        });
        Both(IndexPodsAndOwners, () => IndexIpam(blockFacts));
    }

    private void IndexPodsAndOwners()
    {
        // Owners come from the indexed pods (the last of several with one key, in the first one's place). Without
        // repeated keys, the common case, that is every pod in order.
        if (_pods is null)
        {
            foreach (var facts in _podFacts)
            {
                CollectOwners(facts);
            }
        }
        else
        {
            foreach (var facts in _podFacts)
            {
                _pods[(facts.Pod.Namespace, facts.Pod.Name)] = facts;
            }

            foreach (var facts in _pods.Values)
            {
                CollectOwners(facts);
            }
        }

        CollectOtherOwners();
    }

    /// <summary>The facts of the pod the analysis sees under this key (the last of several).</summary>
    private PodFacts? FindPodFacts(string @namespace, string name) =>
        _pods is null
            ? _snapshot.TryGetPodIndex(@namespace, name, out var index) ? _podFacts[index] : null
            : _pods.TryGetValue((@namespace, name), out var facts) ? facts : null;

    private void IndexIpam(BlockFacts[] blockFacts)
    {
        foreach (var service in _snapshot.Services)
        {
            _services[service.Namespace + "/" + service.Name] = service;
        }

        _handles = new HandleTable(_snapshot);

        foreach (var affinity in _snapshot.Affinities)
        {
            if (IpNet.TryParse(affinity.Cidr, out var cidr))
            {
                _affinities.TryAdd(AffinityKey(AffinityType(affinity), affinity.Node, cidr.ToString()), affinity);
            }
        }

        foreach (var facts in blockFacts)
        {
            _blocks.Add(facts);
            if (facts.Info.Cidr.IsValid)
            {
                _blocksByCidr.TryAdd(facts.Cidr, facts);
            }
        }
    }

    public AnalysisResult Run()
    {
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

    /// <summary>The IPAMHandle object of an allocation's handle, if one exists.</summary>
    private HandleInfo? HandleObjectOf(AllocationFacts a) =>
        a.HandleSlot != HandleTable.None ? _handles.Info(a.HandleSlot)
        : _handles.TryFind(a.Handle ?? string.Empty, out var slot) ? _handles.Info(slot)
        : null;

    /// <summary>Runs two independent steps, side by side when the snapshot is large enough for it to pay.</summary>
    private void Both(Action first, Action second)
    {
        if (_parallelism < 2)
        {
            first();
            second();
            return;
        }

        try
        {
            Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = 2 }, first, second);
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>Calls <paramref name="body"/> once per index of <c>[0, count)</c>, over ranges in parallel at scale; the order of the calls is not defined.</summary>
    private void ForEachIndex(int count, Action<int> body)
    {
        if (_parallelism < 2 || count < 2)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        try
        {
            Parallel.ForEach(
                Partitioner.Create(0, count, Math.Max(1, count / (8 * _parallelism))),
                new ParallelOptions { MaxDegreeOfParallelism = _parallelism },
                range =>
                {
                    for (var i = range.Item1; i < range.Item2; i++)
                    {
                        body(i);
                    }
                });
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

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
