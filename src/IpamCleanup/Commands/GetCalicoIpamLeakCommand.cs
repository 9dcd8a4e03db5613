using System.Diagnostics;
using System.Management.Automation;
using IpamCleanup.Core;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Snapshot;
using IpamCleanup.Kubernetes;

namespace IpamCleanup.Commands;

/// <summary>
/// <para type="synopsis">Finds leaked and inconsistent Calico IPAM state and emits one object per finding.</para>
/// <para type="description">Reads pods, nodes, services and every Calico IPAM object (or a kubectl dump with -SnapshotPath),
/// and reports leaked pod and tunnel IPs, orphan handles, empty blocks, blocks and affinities of deleted nodes, and the
/// report-only kinds (in use but not allocated, several owners, unknown allocations, corrupt blocks).</para>
/// </summary>
/// <example>
/// <code>Get-CalicoIpamLeak -Context prod-eu</code>
/// <para>Lists every finding; the table shows Kind, IP, Node, Pod, Age and Reason.</para>
/// </example>
/// <example>
/// <code>Get-CalicoIpamLeak -Context prod-eu -Summary</code>
/// <para>Counts per kind, pool usage like calicoctl ipam show, and the nodes with the most allocations.</para>
/// </example>
/// <example>
/// <code>Get-CalicoIpamLeak -Context prod-eu -AllAllocations | Where-Object Node -eq worker-7</code>
/// <para>Every allocated address of one node, with its owners and whether it is in use, leaked or cooling down.</para>
/// </example>
/// <example>
/// <code>Get-CalicoIpamLeak -SnapshotPath ./dump.json -Kind LeakedIp</code>
/// <para>Analyses a kubectl dump offline.</para>
/// </example>
/// <example>
/// <code>Get-CalicoIpamLeak -Context prod-eu -ConfirmAfter 00:15:00 | Remove-CalicoLeakedIp -ChangeRequest CHG0042</code>
/// <para>Keeps only leaks seen unchanged 15 minutes apart, then releases them.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "CalicoIpamLeak", DefaultParameterSetName = LiveSet)]
[OutputType(typeof(Finding), typeof(IpamSummary), typeof(AllocationState))]
public sealed class GetCalicoIpamLeakCommand : CalicoCmdlet
{
    private const string LiveSet = "Live";
    private const string OfflineSet = "Offline";
    private const int ProgressId = 1;

    /// <summary>Analyse a kubectl `v1 List` dump (or an Export-CalicoIpamSnapshot file) instead of a live cluster.</summary>
    [Parameter(Mandatory = true, ParameterSetName = OfflineSet)]
    [ValidateNotNullOrEmpty]
    public string? SnapshotPath { get; set; }

    /// <summary>Only these kinds.</summary>
    [Parameter(Position = 0)]
    public FindingKind[]? Kind { get; set; }

    /// <summary>Leaks younger than this are reported but not releasable. Default 15 minutes (kube-controllers' leakGracePeriod).</summary>
    [Parameter]
    public TimeSpan MinimumAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Affine blocks every live node keeps even when empty. Default 1.</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int KeepBlocksPerNode { get; set; } = 1;

    /// <summary>Also report healthy state (cooling-down addresses).</summary>
    [Parameter]
    public SwitchParameter IncludeHealthy { get; set; }

    /// <summary>The CNI network name of Calico's primary network (handle prefix). Default k8s-pod-network.</summary>
    [Parameter]
    public string DefaultNetworkName { get; set; } = "k8s-pod-network";

    /// <summary>Take a second snapshot after this interval and keep only findings seen unchanged in both.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    public TimeSpan? ConfirmAfter { get; set; }

    /// <summary>Findings (or JSON files of findings) from an earlier run: keep only findings present, unchanged, in both.</summary>
    [Parameter]
    public object[]? Baseline { get; set; }

    /// <summary>Emit one summary object (counts per kind, pool and node; top nodes) instead of the findings.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>
    /// Emit one object per allocated address instead of the findings: who owns it, whether it is in use, leaked,
    /// cooling down or reserved (like calicoctl ipam check --show-all-ips). -Kind keeps the addresses of those kinds.
    /// </summary>
    [Parameter]
    public SwitchParameter AllAllocations { get; set; }

    protected override void EndProcessing()
    {
        if (Summary && AllAllocations)
        {
            ThrowTerminatingError(NewError("ParameterConflict", ErrorCategory.InvalidArgument,
                "-Summary and -AllAllocations choose different outputs; use one of them.",
                "Run Get-CalicoIpamLeak twice, once with each switch.", null));
        }

        var baseline = ReadBaseline();
        var (_, result) = Observe(1);
        var findings = result.Findings;
        if (ConfirmAfter is { } interval && interval > TimeSpan.Zero)
        {
            Wait(interval);
            var (_, second) = Observe(2);
            findings = FindingComparer.Intersect(findings, second.Findings);
            WriteVerbose($"{findings.Count} of {second.Findings.Count} findings were seen unchanged in both snapshots {interval} apart.");
            result = second;
        }

        if (baseline is not null)
        {
            var before = findings.Count;
            findings = FindingComparer.Intersect(baseline, findings);
            WriteVerbose($"{findings.Count} of {before} findings are also in the baseline of {baseline.Count}.");
        }

        WriteProgress(new ProgressRecord(ProgressId, "Get-CalicoIpamLeak", "Done") { RecordType = ProgressRecordType.Completed });
        if (Summary)
        {
            WriteObject(result.Summary);
            return;
        }

        if (AllAllocations)
        {
            var kinds = Kind is { Length: > 0 } ? new HashSet<FindingKind>(Kind) : null;
            foreach (var state in result.Allocations)
            {
                if (kinds is null || (state.Kind is { } kind && kinds.Contains(kind)))
                {
                    WriteObject(state);
                }
            }

            return;
        }

        foreach (var finding in findings)
        {
            WriteObject(Decorate(finding));
        }
    }

    private (ClusterSnapshot Snapshot, AnalysisResult Result) Observe(int observation)
    {
        var watch = Stopwatch.StartNew();
        ClusterSnapshot snapshot;
        if (ParameterSetName == OfflineSet)
        {
            var path = GetUnresolvedProviderPathFromPSPath(SnapshotPath);
            var apiVersion = EffectiveApiGroup is { } group ? CalicoResources.ApiVersionOf(group) : null;
            WriteProgress(new ProgressRecord(ProgressId, "Get-CalicoIpamLeak", $"Loading {path}"));
            try
            {
                snapshot = RunSync(_ => Task.FromResult(SnapshotFile.Load(path, apiVersion)));
            }
            catch (IpamCleanupException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, path));
                throw;
            }
        }
        else
        {
            var client = Client;
            var progress = new Progress<SnapshotProgress>(p => QueueProgress(new ProgressRecord(ProgressId, "Get-CalicoIpamLeak",
                $"Reading {p.Resource} ({p.ItemsRead:N0} read; {p.TotalItemsRead:N0} objects in all)")
            {
                PercentComplete = Math.Clamp(100 * (p.Step - 1) / Math.Max(1, p.StepCount), 0, 100),
                CurrentOperation = observation > 1 ? $"Snapshot {observation}" : null,
            }));
            snapshot = RunOrTerminate(ct => client.ReadSnapshotAsync(progress, ct));
        }

        var readTime = watch.Elapsed;
        if (snapshot.ClusterInformation is null)
        {
            ThrowTerminatingError(NewError("SnapshotInconsistent", ErrorCategory.InvalidData,
                "The snapshot has no ClusterInformation 'default', so it cannot be tied to a cluster (is it a partial dump, or is Calico not initialised?).",
                "Include clusterinformations in the dump (see the README's kubectl command), or check that calico-node has started.", SnapshotPath ?? Context));
        }

        WriteProgress(new ProgressRecord(ProgressId, "Get-CalicoIpamLeak", $"Analysing {snapshot.Blocks.Count:N0} blocks") { PercentComplete = 95 });
        watch.Restart();
        var options = new AnalysisOptions
        {
            Now = DateTimeOffset.UtcNow,
            MinimumAge = MinimumAge,
            KeepBlocksPerNode = KeepBlocksPerNode,
            IncludeHealthy = IncludeHealthy,
            DefaultNetworkName = string.IsNullOrEmpty(DefaultNetworkName) ? null : DefaultNetworkName,
            Kinds = Kind is { Length: > 0 } ? new HashSet<FindingKind>(Kind) : null,
        };
        var result = LeakAnalyzer.Analyze(snapshot, options);
        WriteVerbose($"Snapshot {observation}: {snapshot.Pods.Count:N0} pods, {snapshot.Nodes.Count:N0} nodes, {snapshot.Blocks.Count:N0} blocks, " +
                     $"{snapshot.Handles.Count:N0} handles, {snapshot.Affinities.Count:N0} affinities, {snapshot.Pools.Count} pools read in {readTime.TotalMilliseconds:N0} ms; " +
                     $"analysed in {watch.Elapsed.TotalMilliseconds:N0} ms: {result.Findings.Count:N0} findings ({result.Findings.Count(f => f.Releasable):N0} releasable).");
        return (snapshot, result);
    }

    private void Wait(TimeSpan interval)
    {
        var until = DateTime.UtcNow + interval;
        while (DateTime.UtcNow < until)
        {
            var left = until - DateTime.UtcNow;
            WriteProgress(new ProgressRecord(ProgressId, "Get-CalicoIpamLeak", $"Waiting {interval} before the confirming snapshot")
            {
                SecondsRemaining = (int)left.TotalSeconds,
                PercentComplete = Math.Clamp((int)(100 * (1 - (left / interval))), 0, 100),
            });
            RunSync(ct => Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), ct));
        }
    }

    private List<Finding>? ReadBaseline()
    {
        if (Baseline is null)
        {
            return null;
        }

        var findings = new List<Finding>();
        foreach (var item in Baseline)
        {
            var value = item is PSObject pso ? pso.BaseObject : item;
            try
            {
                if (value is string path)
                {
                    findings.AddRange(FindingInput.FromJsonFile(GetUnresolvedProviderPathFromPSPath(path)));
                }
                else if (FindingInput.FromObject(value) is { } finding)
                {
                    findings.Add(finding);
                }
            }
            catch (IpamCleanupException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, item));
            }
        }

        return findings;
    }

    /// <summary>The finding plus the connection it came from, so a Remove-* cmdlet later in the pipeline binds the same cluster.</summary>
    private PSObject Decorate(Finding finding)
    {
        var output = new PSObject(finding);
        if (ParameterSetName == LiveSet)
        {
            output.Properties.Add(new PSNoteProperty("Context", Client.ContextName));
            output.Properties.Add(new PSNoteProperty("Server", Client.Server));
            if (KubeConfig is not null)
            {
                output.Properties.Add(new PSNoteProperty("KubeConfig", KubeConfig));
            }
        }

        return output;
    }
}
