namespace IpamCleanup.Core.Snapshot;

/// <summary>A <c>datastoremigrations.migration.projectcalico.org</c> object and its phase.</summary>
public sealed record DatastoreMigrationInfo(string Name, string? Phase, DateTimeOffset? CreationTimestamp)
{
    /// <summary>Phases in which the migration controller holds the datastore lock on purpose.</summary>
    public bool InProgress => Phase is not null &&
        !(Phase.Equals("Complete", StringComparison.OrdinalIgnoreCase) ||
          Phase.Equals("Completed", StringComparison.OrdinalIgnoreCase) ||
          Phase.Equals("Failed", StringComparison.OrdinalIgnoreCase) ||
          Phase.Equals("RolledBack", StringComparison.OrdinalIgnoreCase) ||
          Phase.Equals("Aborted", StringComparison.OrdinalIgnoreCase));
}
