using System.Text.Json.Nodes;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes.Locking;

/// <summary>
/// ClusterInformation <c>default</c> as read right now, with the evidence of who may hold the lock:
/// DatastoreMigration objects and the <c>migration.projectcalico.org/*</c> annotations.
/// </summary>
public sealed record DatastoreLockState(
    string ApiVersion,
    JsonObject? ClusterInformation,
    bool? DatastoreReady,
    string? ResourceVersion,
    IReadOnlyDictionary<string, string> LockAnnotations,
    IReadOnlyList<DatastoreMigrationInfo> Migrations)
{
    public bool Exists => ClusterInformation is not null;

    /// <summary>Locked means an explicit false; a missing field counts as unlocked, as calicoctl treats it.</summary>
    public bool IsLocked => DatastoreReady == false;

    public bool MigrationInProgress => Migrations.Any(m => m.InProgress);

    /// <summary>Plain-language guess of who set the lock, from the migration objects and annotations.</summary>
    public string ProbableLocker
    {
        get
        {
            var active = Migrations.Where(m => m.InProgress).Select(m => $"DatastoreMigration '{m.Name}' (phase {m.Phase})").ToList();
            if (active.Count > 0)
            {
                return string.Join(", ", active);
            }

            if (LockAnnotations.TryGetValue("migration.projectcalico.org/locked-by", out var lockedBy) && lockedBy.Length > 0)
            {
                return $"'{lockedBy}' (annotation migration.projectcalico.org/locked-by)";
            }

            if (!IsLocked)
            {
                return "nobody: the datastore is not locked";
            }

            return Migrations.Count > 0
                ? "unknown: only finished DatastoreMigrations exist, so most likely 'calicoctl datastore migrate lock' or a cleanup job that did not unlock"
                : "unknown: most likely 'calicoctl datastore migrate lock' or a cleanup job that died before unlocking";
        }
    }
}
