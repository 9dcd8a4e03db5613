using System.Runtime.CompilerServices;
using System.Threading.Channels;
using IpamCleanup.Core;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// Executes approved work items (from <see cref="ReleasePlanner"/>) against the cluster: at most
/// <see cref="ReleaseOptions.ThrottleLimit"/> items at a time, every request under one shared rate cap, every write
/// re-checked against a fresh read and made with the resourceVersion it read. Produces exactly one
/// <see cref="ReleaseResult"/> per finding of every item; a failing item never stops the others.
/// Knows nothing of PowerShell: results are produced on worker threads and handed over through
/// <see cref="ExecuteAsync"/> (a channel the pipeline thread drains) or a callback that must only enqueue.
/// </summary>
public sealed class ReleaseEngine
{
    private readonly CalicoClient _client;

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ReleaseEngine(CalicoClient client, ReleaseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        Options = options ?? new ReleaseOptions();
        Options.Validate();
    }

    public ReleaseOptions Options { get; }

    /// <summary>Live counters over every run of this engine.</summary>
    public ReleaseStatistics Statistics { get; } = new();

    /// <summary>
    /// Runs the items and streams their results as they complete (in completion order). Drain it on the pipeline
    /// thread. Stopping the enumeration early cancels the remaining work.
    /// </summary>
    /// <exception cref="IpamCleanupException">BackupFailed: the backup could not be written, so nothing was changed.</exception>
    public async IAsyncEnumerable<ReleaseResult> ExecuteAsync(IEnumerable<ReleaseWorkItem> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var channel = Channel.CreateUnbounded<ReleaseResult>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await RunAsync(items, r => channel.Writer.TryWrite(r), stop.Token).ConfigureAwait(false);
                }
                finally
                {
                    channel.Writer.TryComplete();
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var result in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return result;
            }

            await producer.ConfigureAwait(false);
        }
        finally
        {
            if (!producer.IsCompleted)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await producer.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The consumer stopped early; the remaining work was cancelled on purpose.
                }
            }
        }
    }

    /// <summary>
    /// Runs the items; <paramref name="onResult"/> is called once per finding from worker threads, concurrently, and
    /// must only enqueue. Throws <see cref="OperationCanceledException"/> when cancelled (items in flight stop at
    /// their next request; items not started produce no result).
    /// </summary>
    /// <exception cref="IpamCleanupException">BackupFailed: the backup could not be written, so nothing was changed.</exception>
    public async Task RunAsync(IEnumerable<ReleaseWorkItem> items, Action<ReleaseResult> onResult, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(onResult);
        // Plan order (address batches first) is what lets a block item wait for the batch on its own block.
        var list = items.OrderBy(i => (int)i.Kind).ToList();
        if (list.Count == 0)
        {
            return;
        }

        var clusterGuid = Options.ClusterGuid ?? list.SelectMany(i => i.Findings).Select(f => f.ClusterGuid).FirstOrDefault(g => !string.IsNullOrEmpty(g));
        var orphanHandles = list
            .Where(i => i.Kind == ReleaseWorkKind.DeleteOrphanHandle)
            .Select(i => CalicoHandles.Sanitize(i.Findings[0].Handle ?? i.Findings[0].RawHandle) ?? string.Empty)
            .ToHashSet(StringComparer.Ordinal);
        var addressBatches = list.Where(i => i.Kind == ReleaseWorkKind.ReleaseIps).Select(i => i.Cidr!);
        var run = new ReleaseRun(_client, Options, Statistics, clusterGuid, orphanHandles, addressBatches, cancellationToken);
        run.Log($"Releasing {list.Count} work item(s) with {list.Sum(i => i.Findings.Count)} finding(s) on {_client} (throttle {Options.ThrottleLimit}, at most {Options.MaxRequestsPerSecond} requests/s).");
        if (Options.BackupPath is { } backupPath)
        {
            await ReleaseBackup.WriteAsync(run, backupPath, list, cancellationToken).ConfigureAwait(false);
        }

        await Parallel.ForEachAsync(
            list,
            new ParallelOptions { MaxDegreeOfParallelism = Options.ThrottleLimit, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                foreach (var result in await ExecuteItemAsync(run, item, token).ConfigureAwait(false))
                {
                    Statistics.Count(result.Status);
                    onResult(result);
                }
            }).ConfigureAwait(false);
        run.Log($"Release finished: {Statistics}.");
    }

    /// <summary>
    /// Plans and runs findings in one call, without asking anyone (tests, benchmarks, scripts that already decided).
    /// Returns the planning-time results first, then the executed ones in completion order.
    /// </summary>
    public async Task<IReadOnlyList<ReleaseResult>> ReleaseAsync(IEnumerable<Finding> findings, IReadOnlySet<FindingKind>? acceptedKinds = null, CancellationToken cancellationToken = default)
    {
        var plan = ReleasePlanner.Plan(findings, acceptedKinds);
        var results = new List<ReleaseResult>(plan.Decided);
        var gate = new object();
        await RunAsync(plan.Items, r =>
        {
            lock (gate)
            {
                results.Add(r);
            }
        }, cancellationToken).ConfigureAwait(false);
        return results;
    }

    private static async Task<IReadOnlyList<ReleaseResult>> ExecuteItemAsync(ReleaseRun run, ReleaseWorkItem item, CancellationToken cancellationToken)
    {
        var context = new ItemContext(item);
        IReadOnlyList<ReleaseResult> results;
        try
        {
            results = item.Kind switch
            {
                ReleaseWorkKind.ReleaseIps => await ReleaseIpsAsync(run, context, cancellationToken).ConfigureAwait(false),
                ReleaseWorkKind.DeleteOrphanHandle => new[] { await OrphanHandleRelease.RunAsync(run, context, cancellationToken).ConfigureAwait(false) },
                ReleaseWorkKind.ReleaseEmptyBlock => new[] { await EmptyBlockRelease.RunAsync(run, context, cancellationToken).ConfigureAwait(false) },
                ReleaseWorkKind.ReleaseDeletedNodeBlock => new[] { await DeletedNodeBlockRelease.RunAsync(run, context, cancellationToken).ConfigureAwait(false) },
                _ => new[] { await OrphanAffinityRelease.RunAsync(run, context, cancellationToken).ConfigureAwait(false) },
            };
        }
        catch (IpamCleanupException e)
        {
            run.Log($"{item.Description} failed: {e.ErrorId}: {e.Message}");
            results = item.Findings.Select(f => ReleaseResult.Failed(f, item, e)).ToArray();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One broken item must not stop the run: report it against its findings and go on.
            var error = new IpamCleanupException(ReleaseErrorIds.ReleaseObjectInvalid, "InvalidData",
                $"{item.Description} failed unexpectedly: {e.GetType().Name}: {e.Message}",
                "Inspect the object with kubectl and report this error; the other items were processed.", item.Target, e);
            run.Log(error.Message);
            results = item.Findings.Select(f => ReleaseResult.Failed(f, item, error)).ToArray();
        }

        return context.Warnings.Count == 0
            ? results
            : results.Select(r => r with { Warnings = r.Warnings.Concat(context.Warnings).Distinct(StringComparer.Ordinal).ToArray() }).ToArray();
    }

    private static async Task<IReadOnlyList<ReleaseResult>> ReleaseIpsAsync(ReleaseRun run, ItemContext context, CancellationToken cancellationToken)
    {
        var item = context.Item;
        try
        {
            using var blockLock = await run.BlockLocks.AcquireAsync(item.Cidr!, cancellationToken).ConfigureAwait(false);
            return await IpBatchRelease.RunAsync(run, context, item.Cidr!, item.ObjectName, item.Findings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            run.AddressBatchFinished(item.Cidr!);
        }
    }
}
