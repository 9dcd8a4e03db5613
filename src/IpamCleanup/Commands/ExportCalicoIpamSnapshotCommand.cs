using System.Management.Automation;
using IpamCleanup.Kubernetes;

namespace IpamCleanup.Commands;

/// <summary>
/// <para type="synopsis">Saves the cluster's pods, nodes, services and Calico IPAM objects, exactly as the API returns them, as a kubectl `v1 List` file.</para>
/// <para type="description">The file is the offline input of Get-CalicoIpamLeak -SnapshotPath and a backup of the IPAM state. It is streamed page by page.</para>
/// </summary>
/// <example>
/// <code>Export-CalicoIpamSnapshot -Context prod-eu -Path ./prod-eu.json</code>
/// <para>Saves the IPAM state and its owners; analyse it later with Get-CalicoIpamLeak -SnapshotPath ./prod-eu.json.</para>
/// </example>
[Cmdlet(VerbsData.Export, "CalicoIpamSnapshot")]
[OutputType(typeof(SnapshotExportSummary))]
public sealed class ExportCalicoIpamSnapshotCommand : CalicoCmdlet
{
    /// <summary>The file to write (overwritten).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void EndProcessing()
    {
        var client = Client;
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var progress = new Progress<SnapshotProgress>(p => QueueProgress(new ProgressRecord(2, "Export-CalicoIpamSnapshot", $"Writing {p.Resource} ({p.TotalItemsRead:N0} objects)")
        {
            PercentComplete = Math.Clamp(100 * (p.Step - 1) / Math.Max(1, p.StepCount), 0, 100),
        }));
        var summary = RunOrTerminate(ct => client.ExportSnapshotAsync(path, progress, ct), path);
        WriteProgress(new ProgressRecord(2, "Export-CalicoIpamSnapshot", "Done") { RecordType = ProgressRecordType.Completed });
        WriteObject(summary);
    }
}
