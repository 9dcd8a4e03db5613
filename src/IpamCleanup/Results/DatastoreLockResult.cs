using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Results;

/// <summary>One Lock-/Unlock-CalicoDatastore outcome: the ready flag before and after, and who probably held the lock.</summary>
public sealed record DatastoreLockResult
{
    public required string Context { get; init; }

    public required string Server { get; init; }

    /// <summary>The ClusterInformation that was read and written, e.g. "crd.projectcalico.org/v1 clusterinformations/default".</summary>
    public required string Target { get; init; }

    /// <summary>"Lock" or "Unlock".</summary>
    public required string Action { get; init; }

    /// <summary>"true", "false" or "missing": the value that was there (and, when Changed, was replaced).</summary>
    public required string Before { get; init; }

    public required string After { get; init; }

    public required bool Changed { get; init; }

    /// <summary>True for a -WhatIf preview or a declined confirmation: nothing was written.</summary>
    public bool WhatIf { get; init; }

    public string? ResourceVersionBefore { get; init; }

    public string? ResourceVersionAfter { get; init; }

    public required string ProbableLocker { get; init; }

    public IReadOnlyList<DatastoreMigrationInfo> Migrations { get; init; } = Array.Empty<DatastoreMigrationInfo>();

    public required string Message { get; init; }

    internal static string Text(bool? ready) => ready switch { true => "true", false => "false", null => "missing" };
}
