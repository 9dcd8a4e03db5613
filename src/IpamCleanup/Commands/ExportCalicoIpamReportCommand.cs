using System.Management.Automation;
using IpamCleanup.Core;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Commands;

/// <summary>
/// <para type="synopsis">Writes calicoctl's `ipam check -o` report, so `calicoctl ipam release --from-report` can act on it.</para>
/// <para type="description">Every allocation is listed as calicoctl lists it; an address is marked not in use only when this module
/// proves it leaked, so the report never lets calicoctl release IPv6 tunnel addresses, Windows-reserved addresses or the
/// other half of a dual-stack pod.</para>
/// </summary>
/// <example>
/// <code>Export-CalicoIpamReport -Context prod-eu -Path ./report.json</code>
/// <para>Writes a report calicoctl ipam release --from-report accepts; only proven leaks are marked not in use.</para>
/// </example>
[Cmdlet(VerbsData.Export, "CalicoIpamReport", DefaultParameterSetName = "Live")]
[OutputType(typeof(FileInfo))]
public sealed class ExportCalicoIpamReportCommand : CalicoCmdlet
{
    /// <summary>The report file to write (overwritten).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Build the report from a kubectl dump instead of the live cluster.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Offline")]
    [ValidateNotNullOrEmpty]
    public string? SnapshotPath { get; set; }

    /// <summary>The calicoctl version the report claims (calicoctl refuses other versions without --force). Default: the cluster's Calico version.</summary>
    [Parameter]
    public string? CalicoctlVersion { get; set; }

    /// <summary>Leaks younger than this are written as in use. Default 15 minutes.</summary>
    [Parameter]
    public TimeSpan MinimumAge { get; set; } = TimeSpan.FromMinutes(15);

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        ClusterSnapshot snapshot;
        try
        {
            if (SnapshotPath is not null)
            {
                var source = GetUnresolvedProviderPathFromPSPath(SnapshotPath);
                snapshot = RunSync(_ => Task.FromResult(SnapshotFile.Load(source)));
            }
            else
            {
                var client = Client;
                snapshot = RunOrTerminate(ct => client.ReadSnapshotAsync(null, ct));
            }
        }
        catch (IpamCleanupException e)
        {
            ThrowTerminatingError(ToErrorRecord(e, SnapshotPath));
            return;
        }

        var result = LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = DateTimeOffset.UtcNow, MinimumAge = MinimumAge });
        var version = CalicoctlVersion ?? snapshot.ClusterInformation?.CalicoVersion ?? "unknown";
        try
        {
            CalicoctlReport.Write(path, snapshot, result, version);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(NewError("ReportWriteFailed", ErrorCategory.WriteError, $"Cannot write '{path}': {e.Message}", "Choose a writable -Path.", path));
        }

        WriteVerbose($"Wrote {result.Allocations.Count:N0} allocations ({result.Findings.Count(f => f.Releasable && f.Kind is FindingKind.LeakedIp or FindingKind.LeakedTunnelIp):N0} releasable leaks) for calicoctl {version}.");
        WriteObject(new FileInfo(path));
    }
}
