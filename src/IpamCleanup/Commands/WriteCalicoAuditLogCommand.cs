using System.Management.Automation;

namespace IpamCleanup.Commands;

/// <summary>
/// <para type="synopsis">Appends one step record to the IpamCleanup audit log (JSON lines), as the write cmdlets do for each write.</para>
/// <para type="description">Invoke-CalicoIpamCleanup records every step of a run with it (scan, attempt, retry, lock, unlock, fallback), so the
/// audit log tells the whole story of a run next to the per-object writes. It does not contact the cluster.</para>
/// </summary>
/// <example>
/// <code>Write-CalicoAuditLog -Step Scan -Result Succeeded -Message '12 releasable findings' -Context prod-eu -ChangeRequest CHG0042</code>
/// <para>Records a step of a hand-run cleanup.</para>
/// </example>
[Cmdlet(VerbsCommunications.Write, "CalicoAuditLog")]
[OutputType(typeof(void))]
public sealed class WriteCalicoAuditLogCommand : PSCmdlet
{
    /// <summary>The step, e.g. Scan, Attempt, Retry, Lock, Unlock, Fallback, Summary.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Step { get; set; } = "";

    /// <summary>The outcome, e.g. Started, Succeeded, Failed, Skipped.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Result { get; set; } = "";

    /// <summary>One sentence of detail.</summary>
    [Parameter]
    public string? Message { get; set; }

    /// <summary>The kube context the step worked on.</summary>
    [Parameter]
    public string? Context { get; set; }

    /// <summary>The API server URL the step worked on.</summary>
    [Parameter]
    public string? Server { get; set; }

    /// <summary>The cluster GUID (ClusterInformation spec.clusterGUID).</summary>
    [Parameter]
    public string? ClusterGuid { get; set; }

    /// <summary>The change request (the runbook's PROD_TRAIN_REQUEST_ID).</summary>
    [Parameter]
    public string? ChangeRequest { get; set; }

    /// <summary>JSON-lines audit log; default IpamCleanup/audit.jsonl in the local application-data folder.</summary>
    [Parameter]
    public string? AuditPath { get; set; }

    protected override void EndProcessing()
    {
        using var audit = AuditLogFactory.OpenForSteps(this, AuditPath, ChangeRequest, Context ?? "", Server ?? "");
        audit.ClusterGuid = ClusterGuid;
        audit.Record("run", Step, null, null, Result, Message, objectKind: "Run");
    }
}
