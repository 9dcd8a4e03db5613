using System.Diagnostics;
using System.Text.Json;
using IpamCleanup.Core;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes;

public sealed partial class CalicoClient
{
    /// <summary>Pages parsed at once ahead of the consumer during a snapshot read.</summary>
    private static readonly int SnapshotParallelism = Math.Clamp(Environment.ProcessorCount, 2, 4);

    /// <summary>
    /// Reads everything leak analysis needs (calico-ipam.md §4f F1) with paged quorum LISTs, keeping only the slim
    /// records: configuration singletons, DatastoreMigrations (when served), IP pools, handles, blocks, affinities,
    /// pods (all namespaces), nodes and services. Soft-deleted IPAM rows are dropped.
    /// </summary>
    public async Task<ClusterSnapshot> ReadSnapshotAsync(IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var records = new SnapshotRecords(Resources.ApiVersion, DateTimeOffset.UtcNow);
        await WalkSnapshotAsync(
            (step, element) => step.Add(records.Builder, element),
            (step, page) => step.Records == SnapshotRecordKind.Builder
                ? new ParsedSnapshotPage(ParsePage(page), null)
                : new ParsedSnapshotPage(null, records.ParsePage(step, page)),
            (step, page, parsed) => parsed.Records is { } pageRecords
                ? records.Append(step.Records, pageRecords, page.Seen)
                : ForEachItem(page, parsed.Document!, item => step.Add(records.Builder, item)),
            SnapshotParallelism,
            progress,
            cancellationToken).ConfigureAwait(false);
        var snapshot = records.Build();
        _transport.Write($"Snapshot: {snapshot.Pods.Count} pods, {snapshot.Nodes.Count} nodes, {snapshot.Services.Count} services, " +
                         $"{snapshot.Blocks.Count} blocks, {snapshot.Handles.Count} handles, {snapshot.Affinities.Count} affinities, {snapshot.Pools.Count} pools.");
        return snapshot;
    }

    /// <summary>
    /// Writes the objects a snapshot is built from to <paramref name="path"/> as a kubectl <c>v1 List</c> (one object per
    /// line), each exactly as the API returned it with <c>apiVersion</c> and <c>kind</c> added as kubectl does. Pages are
    /// streamed to the file; the file appears only once complete.
    /// </summary>
    public async Task<SnapshotExportSummary> ExportSnapshotAsync(string path, IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var partial = fullPath + ".partial";
        var perResource = new Dictionary<string, long>(StringComparer.Ordinal);
        long items = 0, bytes;
        try
        {
            var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            await using (stream.ConfigureAwait(false))
            {
                var writer = new ListFileWriter(stream);
                await WalkSnapshotAsync<IDisposable?>(
                    (step, element) => Count(step, writer.WriteObject(element)),
                    static (_, _) => null,
                    (step, page, _) => Count(step, writer.WritePage(page)),
                    1,
                    progress,
                    cancellationToken).ConfigureAwait(false);
                writer.Finish();
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                bytes = stream.Length;
            }

            File.Move(partial, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        _transport.Write($"Exported {items} objects ({bytes / 1024} KiB) to {fullPath}.");
        return new SnapshotExportSummary(fullPath, items, bytes, perResource);

        long Count(SnapshotStep step, long written)
        {
            perResource[step.Resource.QualifiedName] = perResource.GetValueOrDefault(step.Resource.QualifiedName) + written;
            items += written;
            return written;
        }
    }

    /// <summary>
    /// Runs the snapshot plan: singletons go to <paramref name="onObject"/>; LIST pages are parsed by
    /// <paramref name="parse"/> (up to <paramref name="parallelism"/> pages at once, on pool threads) and then handed to
    /// <paramref name="consume"/> one at a time, in order.
    /// </summary>
    private async Task WalkSnapshotAsync<TParsed>(
        Action<SnapshotStep, JsonElement> onObject,
        Func<SnapshotStep, ListPage, TParsed> parse,
        Func<SnapshotStep, ListPage, TParsed, long> consume,
        int parallelism,
        IProgress<SnapshotProgress>? progress,
        CancellationToken cancellationToken)
        where TParsed : IDisposable?
    {
        var steps = SnapshotStep.Plan(Resources, MigrationApiServed);
        long total = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var stepNumber = i + 1;
            var stopwatch = Stopwatch.StartNew();
            long read = 0;
            progress?.Report(new SnapshotProgress(step.Resource.QualifiedName, stepNumber, steps.Count, 0, total));
            try
            {
                if (step.SingletonName is { } name)
                {
                    if (await GetElementAsync(step.Resource, name, null, cancellationToken).ConfigureAwait(false) is { } element)
                    {
                        onObject(step, element);
                        read = 1;
                    }
                }
                else
                {
                    read = await _lister.ListAsync(
                        step.Resource,
                        page => parse(step, page),
                        (page, parsed) =>
                        {
                            var delivered = consume(step, page, parsed);
                            read += delivered;
                            progress?.Report(new SnapshotProgress(step.Resource.QualifiedName, stepNumber, steps.Count, read, total + read));
                            return delivered;
                        },
                        step.Optional,
                        parallelism,
                        cancellationToken).ConfigureAwait(false);
                }
            }
            catch (IpamCleanupException e) when (e.ErrorId == KubeErrorIds.ApiServerForbidden && ReferenceEquals(step.Resource, KubeResource.DatastoreMigrations))
            {
                // Optional in the RBAC rules (calico-ipam.md §7); the snapshot then simply shows no migration.
                _transport.Write($"Skipped {step.Resource.QualifiedName}: {e.Message}");
            }

            total += read;
            _transport.Write($"Read {read} {step.Resource.QualifiedName} in {stopwatch.ElapsedMilliseconds} ms.");
        }

        progress?.Report(new SnapshotProgress(string.Empty, steps.Count, steps.Count, 0, total));
    }

    /// <summary>A snapshot page after parsing: the document (builder-fed resources) or the page's records.</summary>
    private sealed record ParsedSnapshotPage(JsonDocument? Document, SnapshotRecords.PageRecords? Records) : IDisposable
    {
        public void Dispose() => Document?.Dispose();
    }
}
