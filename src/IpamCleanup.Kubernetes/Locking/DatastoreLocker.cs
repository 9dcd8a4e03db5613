using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes.Locking;

/// <summary>
/// Reads and flips ClusterInformation <c>default</c> <c>spec.datastoreReady</c> (calico-ipam.md §4e): always an explicit
/// boolean, always a compare-and-swap PUT of the whole object as read, re-read and re-evaluated on conflict.
/// </summary>
public sealed class DatastoreLocker
{
    public const string LockAnnotationPrefix = "migration.projectcalico.org/";
    private const int MaxAttempts = 100;
    private readonly CalicoClient _client;

    public DatastoreLocker(CalicoClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    public async Task<DatastoreLockState> ReadAsync(CancellationToken cancellationToken)
    {
        var info = await _client.GetClusterInformationAsync(cancellationToken).ConfigureAwait(false);
        var migrations = new List<DatastoreMigrationInfo>();
        if (_client.MigrationApiServed)
        {
            try
            {
                await _client.ListAsync(KubeResource.DatastoreMigrations, item => migrations.Add(ReadMigration(item)), cancellationToken).ConfigureAwait(false);
            }
            catch (IpamCleanupException e) when (e.ErrorId == "ApiServerForbidden")
            {
                // Not being allowed to list migrations must not block an unlock; the caller sees no migration evidence.
            }
        }

        return Describe(info, migrations);
    }

    /// <summary>
    /// Sets <c>spec.datastoreReady</c> to <paramref name="ready"/> with compare-and-swap. Returns the state before the
    /// successful write and the object after it; when the value is already what was asked, nothing is written.
    /// </summary>
    public async Task<DatastoreLockChange> SetReadyAsync(bool ready, bool force, CancellationToken cancellationToken)
    {
        var state = await ReadAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            EnsureExists(state);
            if (state.DatastoreReady == ready)
            {
                return new DatastoreLockChange(state, state, false, attempt - 1);
            }

            EnsureNoMigration(state, force);

            var updated = (JsonObject)state.ClusterInformation!.DeepClone();
            if (updated["spec"] is not JsonObject spec)
            {
                updated["spec"] = spec = new JsonObject();
            }

            spec["datastoreReady"] = ready;
            var result = await _client.UpdateAsync(CalicoKind.ClusterInformation, updated, cancellationToken).ConfigureAwait(false);
            if (result.IsUpdated)
            {
                return new DatastoreLockChange(state, Describe(result.Object, state.Migrations), true, attempt - 1);
            }

            // Conflict or NotFound: somebody else wrote it; decide again on what is there now.
            state = await ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        throw new IpamCleanupException("DatastoreLockConflict", "ResourceBusy",
            $"ClusterInformation 'default' kept changing: {MaxAttempts} compare-and-swap attempts conflicted.",
            "Something is rewriting ClusterInformation continuously (calico-node restarts?); wait and run again.", "clusterinformations/default");
    }

    /// <summary>Throws ClusterInformationNotFound when there is no ClusterInformation to flip.</summary>
    public void EnsureExists(DatastoreLockState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Exists)
        {
            throw new IpamCleanupException("ClusterInformationNotFound", "ObjectNotFound",
                $"ClusterInformation 'default' ({state.ApiVersion}) does not exist in context '{_client.ContextName}'.",
                "Calico creates it when calico-node starts; check that Calico is running. Nothing was written.", "clusterinformations/default");
        }
    }

    /// <summary>Throws DatastoreMigrationInProgress while a DatastoreMigration holds the lock on purpose, unless forced.</summary>
    public static void EnsureNoMigration(DatastoreLockState state, bool force)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.MigrationInProgress && !force)
        {
            throw new IpamCleanupException("DatastoreMigrationInProgress", "ResourceBusy",
                $"The datastore lock belongs to a migration in progress: {state.ProbableLocker}. Changing it could corrupt the migration.",
                "Wait for the DatastoreMigration to finish (kubectl get datastoremigrations). Use -Force only if the migration is known to be dead.",
                "clusterinformations/default");
        }
    }

    private DatastoreLockState Describe(JsonObject? info, IReadOnlyList<DatastoreMigrationInfo> migrations)
    {
        bool? ready = null;
        string? resourceVersion = null;
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (info is not null)
        {
            if (info["spec"]?["datastoreReady"] is JsonValue value && value.TryGetValue<bool>(out var flag))
            {
                ready = flag;
            }

            resourceVersion = info["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (info["metadata"]?["annotations"] is JsonObject all)
            {
                foreach (var (key, node) in all)
                {
                    if (key.StartsWith(LockAnnotationPrefix, StringComparison.Ordinal) && node is JsonValue text && text.TryGetValue<string>(out var s))
                    {
                        annotations[key] = s;
                    }
                }
            }
        }

        return new DatastoreLockState(_client.Resources.ApiVersion, info, ready, resourceVersion, annotations, migrations);
    }

    private static DatastoreMigrationInfo ReadMigration(JsonElement item)
    {
        var name = item.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        string? phase = item.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object &&
                        status.TryGetProperty("phase", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        DateTimeOffset? created = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("creationTimestamp", out var c) &&
                                  c.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(c.GetString(), out var t) ? t : null;
        return new DatastoreMigrationInfo(name, phase, created);
    }
}
