using System.Management.Automation;
using IpamCleanup.Core;
using IpamCleanup.Kubernetes.Locking;
using IpamCleanup.Results;

namespace IpamCleanup.Commands;

/// <summary>Shared by Lock- and Unlock-CalicoDatastore: read, explain, refuse a migration's lock, confirm, compare-and-swap.</summary>
public abstract class DatastoreLockCommandBase : CalicoCmdlet
{
    /// <summary>Changes the flag even while a DatastoreMigration is in progress.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The change request (the runbook's PROD_TRAIN_REQUEST_ID), recorded in the audit log.</summary>
    [Parameter]
    public string? ChangeRequest { get; set; }

    /// <summary>JSON-lines audit log; default IpamCleanup/audit.jsonl in the local application-data folder.</summary>
    [Parameter]
    public string? AuditPath { get; set; }

    protected abstract bool DesiredReady { get; }

    private string ActionName => DesiredReady ? "Unlock" : "Lock";

    protected override void EndProcessing()
    {
        var client = Client;
        var locker = new DatastoreLocker(client);
        using var audit = AuditLogFactory.Open(this, AuditPath, ChangeRequest, client);
        var state = RunOrTerminate(ct => locker.ReadAsync(ct));
        audit.ClusterGuid = state.ClusterInformation?["spec"]?["clusterGUID"]?.GetValue<string>();
        var target = $"{state.ApiVersion} clusterinformations/default";
        WriteVerbose($"{target}: spec.datastoreReady is {DatastoreLockResult.Text(state.DatastoreReady)}; probable locker: {state.ProbableLocker}.");
        foreach (var migration in state.Migrations)
        {
            WriteVerbose($"DatastoreMigration '{migration.Name}' phase {migration.Phase ?? "(none)"}{(migration.InProgress ? " (in progress)" : "")}.");
        }

        try
        {
            locker.EnsureExists(state);
            if (state.DatastoreReady == DesiredReady)
            {
                WriteObject(Result(state, state, target, changed: false, whatIf: false,
                    DesiredReady ? "The datastore is already unlocked; nothing was written." : "The datastore is already locked; nothing was written."));
                return;
            }

            DatastoreLocker.EnsureNoMigration(state, Force);
        }
        catch (IpamCleanupException e)
        {
            ThrowTerminatingError(ToErrorRecord(e, target));
            return;
        }

        if (state.MigrationInProgress)
        {
            WriteWarning($"-Force: changing the lock held by {state.ProbableLocker}.");
        }

        var description = $"set spec.datastoreReady={(DesiredReady ? "true" : "false")} ({ActionName.ToLowerInvariant()}; it is {DatastoreLockResult.Text(state.DatastoreReady)} now)";
        if (!ShouldProcess($"{target} in {ClusterLabel}", description))
        {
            WriteObject(Result(state, state, target, changed: false, whatIf: true, $"Would {description}; nothing was written."));
            return;
        }

        DatastoreLockChange change;
        try
        {
            change = RunSync(ct => locker.SetReadyAsync(DesiredReady, Force, ct));
        }
        catch (IpamCleanupException e)
        {
            audit.Record(target, ActionName, state.ResourceVersion, null, "Failed", e.Message);
            ThrowTerminatingError(ToErrorRecord(e, target));
            return;
        }

        audit.Record(target, ActionName, change.Before.ResourceVersion, change.After.ResourceVersion,
            change.Changed ? "Changed" : "NoChange", $"datastoreReady {DatastoreLockResult.Text(change.Before.DatastoreReady)} -> {DatastoreLockResult.Text(change.After.DatastoreReady)}");
        var message = change.Changed
            ? $"{(DesiredReady ? "Unlocked" : "Locked")}: spec.datastoreReady {DatastoreLockResult.Text(change.Before.DatastoreReady)} -> {DatastoreLockResult.Text(change.After.DatastoreReady)}."
            : $"Someone else already set spec.datastoreReady={(DesiredReady ? "true" : "false")}; nothing was written.";
        WriteObject(Result(change.Before, change.After, target, change.Changed, whatIf: false, message));
    }

    private DatastoreLockResult Result(DatastoreLockState before, DatastoreLockState after, string target, bool changed, bool whatIf, string message) => new()
    {
        Context = Client.ContextName,
        Server = Client.Server,
        Target = target,
        Action = ActionName,
        Before = DatastoreLockResult.Text(before.DatastoreReady),
        After = DatastoreLockResult.Text(after.DatastoreReady),
        Changed = changed,
        WhatIf = whatIf,
        ResourceVersionBefore = before.ResourceVersion,
        ResourceVersionAfter = after.ResourceVersion,
        ProbableLocker = before.ProbableLocker,
        Migrations = before.Migrations,
        Message = message,
    };
}
