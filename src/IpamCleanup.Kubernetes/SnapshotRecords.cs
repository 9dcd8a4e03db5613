using System.Text.Json;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// Assembles a <see cref="ClusterSnapshot"/> from LIST pages parsed in parallel. Each page is reduced to records by a
/// <see cref="ClusterSnapshotBuilder"/> of its own (Core's parsing, so live and file snapshots agree), pods and handles
/// by the equivalent extractors; the pages' records are then appended in page order, once per object.
/// Singletons and pools go through one builder, whose configuration, pools and migrations the result takes.
/// </summary>
internal sealed class SnapshotRecords
{
    private readonly string _apiLayout;
    private readonly DateTimeOffset _takenAt;
    private readonly List<PodInfo> _pods = [];
    private readonly List<NodeInfo> _nodes = [];
    private readonly List<ServiceInfo> _services = [];
    private readonly List<BlockInfo> _blocks = [];
    private readonly List<HandleInfo> _handles = [];
    private readonly List<AffinityInfo> _affinities = [];
    private readonly PodExtractor _podExtractor = new();
    private readonly HandleExtractor _handleExtractor = new();

    public SnapshotRecords(string apiLayout, DateTimeOffset takenAt)
    {
        _apiLayout = apiLayout;
        _takenAt = takenAt;
        Builder = new ClusterSnapshotBuilder(apiLayout, takenAt);
    }

    /// <summary>Configuration singletons, DatastoreMigrations and IP pools.</summary>
    public ClusterSnapshotBuilder Builder { get; }

    /// <summary>
    /// Runs on a pool thread: the page's items as records (soft-deleted IPAM rows dropped). Pods and handles, the bulk
    /// of a scan, are read by the extractors; the other kinds by a builder of the page's own.
    /// </summary>
    public PageRecords ParsePage(SnapshotStep step, ListPage page)
    {
        switch (step.Records)
        {
            case SnapshotRecordKind.Pods:
                return new PageRecords(null, _podExtractor.ExtractPage(page.Body.Span), null);
            case SnapshotRecordKind.Handles:
                return new PageRecords(null, null, _handleExtractor.ExtractPage(page.Body.Span));
        }

        using var document = JsonDocument.Parse(page.Body);
        var builder = new ClusterSnapshotBuilder(_apiLayout, _takenAt);
        if (document.RootElement.TryGetProperty("items"u8, out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                step.Add(builder, item);
            }
        }

        return new PageRecords(builder.Build(), null, null);
    }

    /// <summary>Appends a parsed page's records that were not delivered before (a restarted LIST repeats objects); returns how many.</summary>
    public long Append(SnapshotRecordKind kind, PageRecords page, ItemDeduplicator seen) => kind switch
    {
        SnapshotRecordKind.Pods => Append(_pods, page.Pods ?? page.Snapshot!.Pods, p => seen.FirstTime(Uid(p.Uid), p.Namespace, p.Name)),
        SnapshotRecordKind.Handles => Append(_handles, page.Handles ?? page.Snapshot!.Handles, h => seen.FirstTime(Uid(h.Uid), null, h.Name)),
        SnapshotRecordKind.Nodes => Append(_nodes, page.Snapshot!.Nodes, n => seen.FirstTime(Uid(n.Uid), null, n.Name)),
        SnapshotRecordKind.Services => Append(_services, page.Snapshot!.Services, s => seen.FirstTime(Uid(s.Uid), s.Namespace, s.Name)),
        SnapshotRecordKind.Blocks => Append(_blocks, page.Snapshot!.Blocks, b => seen.FirstTime(Uid(b.Uid), null, b.Name)),
        SnapshotRecordKind.Affinities => Append(_affinities, page.Snapshot!.Affinities, a => seen.FirstTime(Uid(a.Uid), null, a.Name)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public ClusterSnapshot Build()
    {
        var configuration = Builder.Build();
        return new ClusterSnapshot(
            _takenAt,
            configuration.ApiLayout,
            configuration.ClusterInformation,
            configuration.Settings,
            _pods.ToArray(),
            _nodes.ToArray(),
            _services.ToArray(),
            _blocks.ToArray(),
            _handles.ToArray(),
            _affinities.ToArray(),
            configuration.Pools,
            configuration.Migrations);
    }

    private static long Append<T>(List<T> all, IReadOnlyList<T> page, Func<T, bool> firstTime)
    {
        long added = 0;
        foreach (var record in page)
        {
            if (firstTime(record))
            {
                all.Add(record);
                added++;
            }
        }

        return added;
    }

    private static string? Uid(string uid) => uid.Length == 0 ? null : uid;

    /// <summary>One parsed page: a builder's snapshot of it, or the extracted pods or handles.</summary>
    internal sealed record PageRecords(ClusterSnapshot? Snapshot, IReadOnlyList<PodInfo>? Pods, IReadOnlyList<HandleInfo>? Handles);
}
