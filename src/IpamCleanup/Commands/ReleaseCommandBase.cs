using System.Management.Automation;
using System.Text.Json.Nodes;
using IpamCleanup.Core;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using IpamCleanup.Kubernetes.Release;

namespace IpamCleanup.Commands;

/// <summary>
/// Shared by Remove-CalicoLeakedIp and Remove-CalicoEmptyBlock: collect findings, refuse another cluster's, plan one
/// work item per block/handle/affinity, ask ShouldProcess per item on the pipeline thread, then let the engine
/// re-check and write each approved item (bounded parallelism, rate cap, audit, backup), writing one result per finding.
/// </summary>
public abstract class ReleaseCommandBase : CalicoCmdlet
{
    protected const string FindingSet = "Finding";
    private const int ProgressId = 3;
    private readonly List<Finding> _findings = new();
    private readonly List<object> _invalidInput = new();
    private bool _yesToAll;
    private bool _noToAll;
    private JsonObject? _clusterInformation;
    private bool _clusterInformationRead;

    /// <summary>Findings from Get-CalicoIpamLeak (or their deserialized copies).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FindingSet)]
    [AllowNull]
    public object? InputObject { get; set; }

    /// <summary>The change request (the runbook's PROD_TRAIN_REQUEST_ID), recorded with every write in the audit log.</summary>
    [Parameter]
    public string? ChangeRequest { get; set; }

    /// <summary>JSON-lines audit log; default IpamCleanup/audit.jsonl in the local application-data folder.</summary>
    [Parameter]
    public string? AuditPath { get; set; }

    /// <summary>Before the first write, save every object about to change to this new file, as a kubectl `v1 List`.</summary>
    [Parameter]
    public string? BackupPath { get; set; }

    /// <summary>Blocks, handles or affinities processed at the same time. Default 4.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>Cap on API requests per second for the whole run. Default 50.</summary>
    [Parameter]
    [ValidateRange(0.1, 10000)]
    public double MaxRequestsPerSecond { get; set; } = 50;

    /// <summary>The write-time re-check refuses leaks younger than this (use the value of the scan). Default 15 minutes.</summary>
    [Parameter]
    public TimeSpan MinimumAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Affine blocks every live node keeps; re-checked at write time. Default 1.</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int KeepBlocksPerNode { get; set; } = 1;

    /// <summary>Skips only the bulk "release N objects?" prompt; never the per-object confirmation or any re-check.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The kinds this cmdlet releases; other kinds get FindingNotReleasable.</summary>
    protected abstract IReadOnlySet<FindingKind> AcceptedKinds { get; }

    protected abstract string Noun { get; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != FindingSet || InputObject is null)
        {
            return;
        }

        _ = Client;
        if (FindingInput.FromObject(InputObject) is { } finding)
        {
            _findings.Add(finding);
        }
        else
        {
            _invalidInput.Add(InputObject);
        }
    }

    protected override void EndProcessing()
    {
        foreach (var bad in _invalidInput)
        {
            WriteError(NewError("InputNotAFinding", ErrorCategory.InvalidArgument,
                $"The input is not a finding: {bad}.", "Pipe the output of Get-CalicoIpamLeak.", bad));
        }

        var findings = CollectFindings();
        if (findings.Count == 0)
        {
            return;
        }

        Release(findings);
    }

    /// <summary>The findings to release; Remove-CalicoLeakedIp adds -IP and -FromCalicoctlReport here.</summary>
    protected virtual IReadOnlyList<Finding> CollectFindings() => _findings;

    /// <summary>Null for classic release; the cooldown in seconds for v3.33 cooldown release (Remove-CalicoLeakedIp -ReleaseMode Cooldown).</summary>
    protected virtual int? ResolveCooldownSeconds() => null;

    /// <summary>
    /// ClusterInformation 'default' of the connected cluster, read once per invocation: the GUID check of reports and
    /// findings and the cooldown check use the same read.
    /// </summary>
    protected JsonObject? ClusterInformation
    {
        get
        {
            if (!_clusterInformationRead)
            {
                var client = Client;
                _clusterInformation = RunOrTerminate(ct => client.GetClusterInformationAsync(ct));
                _clusterInformationRead = true;
            }

            return _clusterInformation;
        }
    }

    /// <summary>The cluster GUID of the connected cluster (ClusterInformation default).</summary>
    protected string? ReadClusterGuid() => ClusterInformation?["spec"]?["clusterGUID"]?.GetValue<string>();

    private void Release(IReadOnlyList<Finding> findings)
    {
        var client = Client;
        var clusterGuid = ReadClusterGuid();
        var foreign = findings.Where(f => !string.IsNullOrEmpty(f.ClusterGuid) && f.ClusterGuid != clusterGuid).ToList();
        if (foreign.Count > 0)
        {
            ThrowTerminatingError(NewError("FindingFromAnotherCluster", ErrorCategory.InvalidData,
                $"{foreign.Count} finding(s) come from the cluster with GUID {foreign[0].ClusterGuid}, but {ClusterLabel} has GUID {clusterGuid ?? "(none)"}. Nothing was written.",
                "Scan the cluster you mean to clean (Get-CalicoIpamLeak -Context <it>) and pipe that, or pass the matching -Context.", foreign[0]));
        }

        // Checked before anything is asked or written, so -WhatIf already shows a mode the cluster cannot take.
        var cooldownSeconds = ResolveCooldownSeconds();
        var plan = ReleasePlanner.Plan(findings, AcceptedKinds);
        foreach (var decided in plan.Decided)
        {
            Emit(decided);
        }

        var approved = new List<ReleaseWorkItem>();
        foreach (var item in plan.Items)
        {
            if (ShouldProcess($"{item.Target} in {ClusterLabel}", item.Action))
            {
                approved.Add(item);
            }
        }

        if (approved.Count == 0)
        {
            return;
        }

        if (approved.Count > 1 && !Force &&
            !ShouldContinue($"Release {approved.Count} {Noun} ({approved.Sum(i => i.Findings.Count)} findings) in {ClusterLabel}?", "Bulk release", ref _yesToAll, ref _noToAll))
        {
            return;
        }

        using var audit = AuditLogFactory.Open(this, AuditPath, ChangeRequest, client);
        audit.ClusterGuid = clusterGuid;
        var options = new ReleaseOptions
        {
            ThrottleLimit = ThrottleLimit,
            MaxRequestsPerSecond = MaxRequestsPerSecond,
            MinimumAge = MinimumAge,
            KeepBlocksPerNode = KeepBlocksPerNode,
            ChangeRequest = audit.ChangeRequest,
            ClusterGuid = clusterGuid,
            Audit = audit.Sink,
            BackupPath = BackupPath is null ? null : GetUnresolvedProviderPathFromPSPath(BackupPath),
            Log = QueueVerbose,
            CooldownSeconds = cooldownSeconds,
        };
        var engine = new ReleaseEngine(client, options);
        var total = approved.Sum(i => i.Findings.Count);
        var done = 0;
        try
        {
            RunStreaming<ReleaseResult>((ct, onResult) => engine.RunAsync(approved, onResult, ct), result =>
            {
                done++;
                WriteProgress(new ProgressRecord(ProgressId, $"Releasing {Noun}", $"{done} of {total}: {engine.Statistics}")
                {
                    PercentComplete = Math.Clamp(100 * done / Math.Max(1, total), 0, 100),
                });
                Emit(result);
            });
        }
        catch (IpamCleanupException e)
        {
            ThrowTerminatingError(ToErrorRecord(e, BackupPath));
        }

        WriteProgress(new ProgressRecord(ProgressId, $"Releasing {Noun}", "Done") { RecordType = ProgressRecordType.Completed });
        WriteVerbose($"{engine.Statistics}; audit log {audit.Path}.");
    }

    private void Emit(ReleaseResult result)
    {
        if (result.Status == ReleaseStatus.Failed)
        {
            var error = result.Error ?? new IpamCleanupException(ReleaseErrorIds.ReleaseRequestFailed, "NotSpecified", result.Message, "Run Get-CalicoIpamLeak again and retry.");
            WriteError(ToErrorRecord(error, result.Finding));
        }

        foreach (var warning in result.Warnings)
        {
            WriteWarning(warning);
        }

        WriteObject(result);
    }
}
