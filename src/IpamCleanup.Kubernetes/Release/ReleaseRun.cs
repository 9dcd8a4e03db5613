using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// The state one engine run shares between its workers: the client behind the request-rate cap, the audit trail,
/// the per-block and per-node locks, and the few cluster-wide reads a run makes at most once.
/// Every read here goes to the API server (never a cache of the scan).
/// </summary>
internal sealed class ReleaseRun
{
    private readonly RequestRateLimiter _limiter;
    private readonly string _user;
    private readonly IReadOnlySet<string> _orphanHandleIds;
    private readonly Lazy<Task<IReadOnlyDictionary<string, List<string>>>> _blockReferences;
    private readonly Lazy<Task<IReadOnlyList<(string Name, string Node, string Cidr)>>> _affinities;
    private readonly CancellationToken _runToken;
    private readonly Dictionary<string, TaskCompletionSource> _addressBatches = new(StringComparer.Ordinal);

    public ReleaseRun(CalicoClient client, ReleaseOptions options, ReleaseStatistics statistics, string? clusterGuid, IReadOnlySet<string> orphanHandleIds, IEnumerable<string> addressBatchBlocks, CancellationToken runToken)
    {
        foreach (var cidr in addressBatchBlocks)
        {
            _addressBatches.TryAdd(cidr, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        Client = client;
        Options = options;
        Statistics = statistics;
        ClusterGuid = clusterGuid;
        _limiter = new RequestRateLimiter(options.MaxRequestsPerSecond);
        _user = Environment.UserName;
        _orphanHandleIds = orphanHandleIds;
        _runToken = runToken;
        _blockReferences = new Lazy<Task<IReadOnlyDictionary<string, List<string>>>>(ListBlockReferencesAsync);
        _affinities = new Lazy<Task<IReadOnlyList<(string Name, string Node, string Cidr)>>>(ListAffinitiesAsync);
    }

    public CalicoClient Client { get; }

    public ReleaseOptions Options { get; }

    public ReleaseStatistics Statistics { get; }

    public string? ClusterGuid { get; }

    public KeyedLock BlockLocks { get; } = new();

    public KeyedLock NodeLocks { get; } = new();

    public DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

    public int MaxAttempts => Options.MaxConflictRetries;

    public void Log(string message) => Options.Log?.Invoke(message);

    /// <summary>
    /// Completes when this run's address batch for <paramref name="cidr"/> (if any) has finished, so a block item on the
    /// same block sees the addresses already released. Batches come first in every plan, so the batch a block item
    /// waits for has always been started by then.
    /// </summary>
    public Task AddressBatchDoneAsync(string cidr, CancellationToken cancellationToken) =>
        _addressBatches.TryGetValue(cidr, out var done) ? done.Task.WaitAsync(cancellationToken) : Task.CompletedTask;

    public void AddressBatchFinished(string cidr)
    {
        if (_addressBatches.TryGetValue(cidr, out var done))
        {
            done.TrySetResult();
        }
    }

    public async Task<IpamBlockObject?> GetBlockAsync(string name, CancellationToken cancellationToken)
    {
        var json = await GetLiveAsync(CalicoKind.IpamBlock, name, cancellationToken).ConfigureAwait(false);
        return json is null ? null : new IpamBlockObject(json);
    }

    public async Task<IpamHandleObject?> GetHandleAsync(string name, CancellationToken cancellationToken)
    {
        var json = await GetLiveAsync(CalicoKind.IpamHandle, name, cancellationToken).ConfigureAwait(false);
        return json is null ? null : new IpamHandleObject(json);
    }

    public async Task<BlockAffinityObject?> GetAffinityAsync(string name, CancellationToken cancellationToken)
    {
        var json = await GetLiveAsync(CalicoKind.BlockAffinity, name, cancellationToken).ConfigureAwait(false);
        return json is null ? null : new BlockAffinityObject(json);
    }

    public async Task<PodInfo?> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        await ThrottleAsync(1, cancellationToken).ConfigureAwait(false);
        return await Client.GetPodAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<NodeInfo?> GetNodeAsync(string name, CancellationToken cancellationToken)
    {
        await ThrottleAsync(1, cancellationToken).ConfigureAwait(false);
        return await Client.GetNodeAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The names of the blocks whose attributes mention each orphan handle of this run (sanitised handle ID → block
    /// names), from one paged LIST of all blocks made the first time an orphan handle is re-checked.
    /// </summary>
    public Task<IReadOnlyDictionary<string, List<string>>> BlockReferencesAsync() => _blockReferences.Value;

    /// <summary>Every BlockAffinity (name, spec.node, spec.cidr) from one paged LIST made the first time a block item needs it.</summary>
    public Task<IReadOnlyList<(string Name, string Node, string Cidr)>> AffinitiesAsync() => _affinities.Value;

    /// <summary>A compare-and-swap PUT, audited and counted.</summary>
    public Task<UpdateResult> UpdateAsync(ItemContext context, CalicoKind kind, CalicoObject obj, string action, string? message, CancellationToken cancellationToken) =>
        AuditedWriteAsync(context, kind, obj, action, requests: 1, ct => Client.UpdateAsync(kind, obj.Json, ct), result =>
            (result.Outcome.ToString(),
             result.Outcome == UpdateOutcome.Updated ? message : result.Message,
             result.Outcome == UpdateOutcome.Conflict,
             result.Object is { } stored ? (stored["metadata"] as JsonObject)?["resourceVersion"]?.GetValue<string>() : null),
            cancellationToken);

    /// <summary>
    /// libcalico's delete (soft-delete PUT with the object's resourceVersion, then DELETE with its UID), audited and
    /// counted. A conflict is re-read: when the object is still exactly the version we hold (same resourceVersion,
    /// so nothing changed) the conflict was not about it and the same delete is tried again; when it carries the
    /// soft-delete mark with our UID (our mark landed, the DELETE did not) the deletion is finished; otherwise the
    /// conflict stands and the caller re-evaluates.
    /// </summary>
    public async Task<DeleteResult> SoftDeleteAsync(ItemContext context, CalicoKind kind, CalicoObject obj, string action, string? message, CancellationToken cancellationToken)
    {
        var name = obj.Name!;
        var result = await SoftDeleteOnceAsync(context, kind, obj, action, message, cancellationToken).ConfigureAwait(false);

        // Set once a write of ours may have landed without us seeing its answer: a vanished object is then our delete.
        var ours = false;
        for (var attempt = 1; result.Outcome == DeleteOutcome.Conflict && attempt < MaxAttempts; attempt++)
        {
            ours |= result.EarlierAttemptMayHaveApplied;
            await ThrottleAsync(1, cancellationToken).ConfigureAwait(false);
            var raw = await Client.GetAsync(kind, name, cancellationToken).ConfigureAwait(false);
            if (raw is null)
            {
                return result with { Outcome = ours ? DeleteOutcome.Deleted : DeleteOutcome.NotFound };
            }

            var current = new CalicoObject(raw);
            if (IsSoftDeleted(raw))
            {
                if (current.Uid != obj.Uid)
                {
                    return result with { Outcome = DeleteOutcome.NotFound };
                }

                // Marked deleted (by us or by a libcalico reader of the same object): finish it, as libcalico's Get does.
                await ThrottleAsync(1, cancellationToken).ConfigureAwait(false);
                var finished = await Client.DeleteAsync(kind, name, obj.Uid, null, cancellationToken).ConfigureAwait(false);
                Audit(context, kind, current, null, "FinishDelete", finished.Outcome.ToString(), finished.Outcome == DeleteOutcome.Conflict ? finished.Message : message);
                result = finished.Outcome == DeleteOutcome.Conflict ? finished : finished with { Outcome = DeleteOutcome.Deleted };
                ours = true;
                continue;
            }

            if (current.ResourceVersion != obj.ResourceVersion)
            {
                return result;
            }

            result = await SoftDeleteOnceAsync(context, kind, obj, action, message, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private Task<DeleteResult> SoftDeleteOnceAsync(ItemContext context, CalicoKind kind, CalicoObject obj, string action, string? message, CancellationToken cancellationToken) =>
        AuditedWriteAsync(context, kind, obj, action, requests: 2, ct => Client.SoftDeleteAndDeleteAsync(kind, obj.Json, ct), result =>
            (result.Outcome.ToString(),
             result.Outcome == DeleteOutcome.Deleted ? message : result.Message,
             result.Outcome == DeleteOutcome.Conflict,
             null),
            cancellationToken);

    /// <summary>
    /// One write of this run: waits for the rate cap, counts the write (and a conflict), and audits it. A write that
    /// throws is audited as Failed (or Canceled) before the exception goes on; <paramref name="describe"/> tells the
    /// audit line's result, message, whether it was a conflict, and the resourceVersion written.
    /// </summary>
    private async Task<T> AuditedWriteAsync<T>(
        ItemContext context,
        CalicoKind kind,
        CalicoObject obj,
        string action,
        int requests,
        Func<CancellationToken, Task<T>> write,
        Func<T, (string Result, string? Message, bool Conflict, string? ResourceVersionAfter)> describe,
        CancellationToken cancellationToken)
    {
        await ThrottleAsync(requests, cancellationToken).ConfigureAwait(false);
        Statistics.AddWrite(kind);
        T result;
        try
        {
            result = await write(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IpamCleanupException or OperationCanceledException)
        {
            Audit(context, kind, obj, null, action, e is OperationCanceledException ? "Canceled" : "Failed", e.Message);
            throw;
        }

        var (outcome, auditMessage, conflict, after) = describe(result);
        if (conflict)
        {
            Statistics.AddConflict();
        }

        Audit(context, kind, obj, after, action, outcome, auditMessage);
        return result;
    }

    /// <summary>Waits for the request-rate cap; counts the requests.</summary>
    public ValueTask ThrottleAsync(int requests, CancellationToken cancellationToken)
    {
        Statistics.AddRequests(requests);
        return _limiter.WaitAsync(requests, cancellationToken);
    }

    private async Task<JsonObject?> GetLiveAsync(CalicoKind kind, string name, CancellationToken cancellationToken)
    {
        await ThrottleAsync(1, cancellationToken).ConfigureAwait(false);
        var json = await Client.GetAsync(kind, name, cancellationToken).ConfigureAwait(false);

        // A soft-deleted object is being deleted by someone: it is gone for every purpose here (as libcalico's Get says).
        return json is not null && IsSoftDeleted(json) ? null : json;
    }

    private void Audit(ItemContext context, CalicoKind kind, CalicoObject obj, string? after, string action, string result, string? message)
    {
        var sink = Options.Audit;
        if (sink is null)
        {
            return;
        }

        var record = new AuditRecord
        {
            Time = Now,
            User = _user,
            Context = Client.ContextName,
            Server = Client.Server,
            ClusterGuid = ClusterGuid,
            ChangeRequest = Options.ChangeRequest,
            ObjectKind = Client.Resources[kind].Kind,
            ObjectName = obj.Name ?? "?",
            ResourceVersionBefore = obj.ResourceVersion,
            ResourceVersionAfter = after,
            Action = action,
            Result = result,
            Message = message is null ? context.Item.Description : context.Item.Description + ": " + message,
        };
        try
        {
            sink.Write(record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException or InvalidOperationException)
        {
            context.Warn($"The audit record of {action} on {record.ObjectKind} {record.ObjectName} ({result}) could not be written: {e.Message}");
        }
    }

    private async Task<IReadOnlyDictionary<string, List<string>>> ListBlockReferencesAsync()
    {
        var references = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await ThrottleAsync(1, _runToken).ConfigureAwait(false);
        var count = await Client.ListAsync(CalicoKind.IpamBlock, block =>
        {
            if (!block.TryGetProperty("spec", out var spec) || spec.ValueKind != JsonValueKind.Object ||
                !block.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object ||
                !metadata.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String ||
                IsTrue(spec, "deleted") ||
                !spec.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            var name = nameElement.GetString()!;
            foreach (var attribute in attributes.EnumerateArray())
            {
                if (attribute.ValueKind == JsonValueKind.Object && attribute.TryGetProperty("handle_id", out var handle) &&
                    handle.ValueKind == JsonValueKind.String && CalicoHandles.Sanitize(handle.GetString()) is { } id && _orphanHandleIds.Contains(id))
                {
                    if (!references.TryGetValue(id, out var names))
                    {
                        references[id] = names = new List<string>(1);
                    }

                    if (!names.Contains(name))
                    {
                        names.Add(name);
                    }
                }
            }
        }, _runToken).ConfigureAwait(false);
        Log($"Listed {count} IPAM blocks to re-check {_orphanHandleIds.Count} orphan handle(s) against: {references.Count} of them are referenced.");
        return references;
    }

    private async Task<IReadOnlyList<(string Name, string Node, string Cidr)>> ListAffinitiesAsync()
    {
        var affinities = new List<(string Name, string Node, string Cidr)>();
        await ThrottleAsync(1, _runToken).ConfigureAwait(false);
        await Client.ListAsync(CalicoKind.BlockAffinity, affinity =>
        {
            if (affinity.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object && !IsTrue(spec, "deleted") &&
                affinity.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object &&
                metadata.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String &&
                spec.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String &&
                spec.TryGetProperty("cidr", out var cidr) && cidr.ValueKind == JsonValueKind.String)
            {
                affinities.Add((name.GetString()!, node.GetString()!, cidr.GetString()!));
            }
        }, _runToken).ConfigureAwait(false);
        Log($"Listed {affinities.Count} block affinities to re-check the blocks each node keeps.");
        return affinities;
    }

    private static bool IsTrue(JsonElement spec, string name) =>
        spec.TryGetProperty(name, out var value) &&
        (value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.String && GoBool.TryParse(value.GetString(), out var parsed) && parsed));

    private static bool IsSoftDeleted(JsonObject json) =>
        (json["spec"] as JsonObject)?["deleted"] is JsonValue value &&
        (value.TryGetValue<bool>(out var flag) ? flag : value.TryGetValue<string>(out var text) && GoBool.TryParse(text, out var parsed) && parsed);
}
