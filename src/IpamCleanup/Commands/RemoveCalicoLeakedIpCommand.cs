using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;
using IpamCleanup.Core;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Net;
using IpamCleanup.Kubernetes;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Commands;

/// <summary>
/// <para type="synopsis">Releases leaked pod IPs, leaked tunnel IPs of deleted nodes and orphan handles, proving at each write that they are still free to free.</para>
/// <para type="description">Input: findings from Get-CalicoIpamLeak, or -IP addresses (analysed first, released only if leaked), or
/// calicoctl `ipam check` reports (-FromCalicoctlReport; the cluster GUID must match, several reports are intersected, and only
/// addresses this module also proves leaked are released). For each block, as one batch: re-read the block, re-check every
/// address (still allocated, same handle, same sequence number) and its owner with a live read, release, bump the sequence
/// number and write with the block's resourceVersion; on conflict re-read and re-evaluate; then decrement the handles.
/// Orphan handles are re-checked and deleted with the soft-delete and UID precondition protocol. One result per input:
/// Released, Skipped with a reason, or Failed.</para>
/// </summary>
/// <example>
/// <code>Get-CalicoIpamLeak -Context prod-eu | Remove-CalicoLeakedIp -ChangeRequest CHG0042 -WhatIf</code>
/// <para>Lists exactly which addresses and handles would be released, and writes nothing. Report-only findings in the input get FindingNotReleasable errors.</para>
/// </example>
/// <example>
/// <code>Get-CalicoIpamLeak -Context prod-eu -Kind LeakedIp, LeakedTunnelIp, OrphanHandle | Remove-CalicoLeakedIp -ChangeRequest CHG0042 -Confirm:$false -Force -BackupPath ./before.json</code>
/// <para>Releases without prompting, after saving every object about to change.</para>
/// </example>
/// <example>
/// <code>Remove-CalicoLeakedIp -Context prod-eu -IP 10.65.79.2, 10.65.79.9 -ChangeRequest CHG0042</code>
/// <para>Releases two addresses, each only if the analysis proves it leaked.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "CalicoLeakedIp", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = FindingSet)]
[OutputType(typeof(ReleaseResult))]
public sealed class RemoveCalicoLeakedIpCommand : ReleaseCommandBase
{
    private const string IpSet = "IP";
    private const string ReportSet = "Report";

    /// <summary>Addresses to release; each is analysed first and released only if it is a releasable leak.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IpSet)]
    [ValidateNotNullOrEmpty]
    public string[]? IP { get; set; }

    /// <summary>calicoctl `ipam check -o` report files of this cluster; several are intersected, as calicoctl does.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ReportSet)]
    [ValidateNotNullOrEmpty]
    public string[]? FromCalicoctlReport { get; set; }

    /// <summary>
    /// Classic (default): a released address is reusable at once, as Calico up to v3.32 releases, safe with any mix of
    /// versions. Cooldown: Calico v3.33's release, which keeps the address unusable for the cluster's IPAMConfig
    /// ipCooldownSeconds (it stays in the block as a releasedAt entry until then). Cooldown is refused unless
    /// ClusterInformation reports v3.33 or later and IPAMConfig sets ipCooldownSeconds; use it only when every
    /// Calico component runs v3.33 or later, because older ones misread releasedAt entries.
    /// </summary>
    [Parameter]
    public ReleaseMode ReleaseMode { get; set; } = ReleaseMode.Classic;

    protected override IReadOnlySet<FindingKind> AcceptedKinds => ReleasePlanner.AddressKinds;

    protected override int? ResolveCooldownSeconds()
    {
        if (ReleaseMode != ReleaseMode.Cooldown)
        {
            return null;
        }

        var client = Client;
        var config = RunOrTerminate(ct => client.GetAsync(CalicoKind.IpamConfig, CalicoResources.SingletonName, ct));
        var version = ClusterInformation?["spec"]?["calicoVersion"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (!CalicoVersions.AtLeast(version, 3, 33))
        {
            ThrowTerminatingError(NewError("CooldownReleaseNotSupported", ErrorCategory.InvalidOperation,
                $"-ReleaseMode Cooldown needs Calico v3.33 or later, but ClusterInformation in {ClusterLabel} reports calicoVersion '{version ?? "(none)"}'. Nothing was written.",
                "Use -ReleaseMode Classic (the default), which every Calico version understands.", version));
        }

        var seconds = config is null ? null : new IpamConfigObject(config).IpCooldownSeconds;
        if (seconds is not > 0)
        {
            ThrowTerminatingError(NewError("CooldownNotConfigured", ErrorCategory.InvalidOperation,
                $"-ReleaseMode Cooldown needs IPAMConfig 'default' to set ipCooldownSeconds, but in {ClusterLabel} it is {(config is null ? "missing" : (seconds?.ToString(CultureInfo.InvariantCulture) ?? "not set"))}. Nothing was written.",
                "Use -ReleaseMode Classic (the default), or set ipCooldownSeconds in the IPAMConfig first.", config));
        }

        WriteVerbose($"Cooldown release: released addresses stay unusable for {seconds} s (IPAMConfig ipCooldownSeconds); Calico {version}.");
        return seconds;
    }

    protected override string Noun => "blocks and handles";

    protected override IReadOnlyList<Finding> CollectFindings() => ParameterSetName switch
    {
        IpSet => FromAddresses(),
        ReportSet => FromReports(),
        _ => base.CollectFindings(),
    };

    private List<Finding> FromAddresses()
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in IP!)
        {
            if (IpNet.TryParseAddress(text.Trim(), out var address))
            {
                wanted.Add(IpNet.FormatAddress(address));
            }
            else
            {
                WriteError(NewError("InvalidIPAddress", ErrorCategory.InvalidArgument, $"'{text}' is not an IP address.", "Pass addresses such as 10.65.79.2 or fd00::5.", text));
            }
        }

        var analysis = Analyze();
        var releasable = new List<Finding>();
        foreach (var address in wanted)
        {
            var mine = analysis.Findings.Where(f => f.IP == address).ToList();
            var leak = mine.FirstOrDefault(f => f.Releasable && f.Kind is FindingKind.LeakedIp or FindingKind.LeakedTunnelIp);
            if (leak is not null)
            {
                releasable.Add(leak);
                continue;
            }

            var why = mine.FirstOrDefault();
            var stand = why ?? Synthetic(address, null, null, "The address is not allocated in any block, or it is in use.");
            var reason = why is null ? ReleaseSkipReason.AlreadyReleased : ReleaseSkipReason.NowInUse;
            WriteObject(ReleaseResult.Skipped(stand, null, reason, why is null
                ? $"{address} is not a leak: no allocation of it is unused."
                : $"{address} is not a releasable leak ({why.Kind}): {why.Reason}"));
        }

        return releasable;
    }

    private List<Finding> FromReports()
    {
        var reports = new List<CalicoctlReport>();
        foreach (var path in FromCalicoctlReport!)
        {
            var resolved = GetUnresolvedProviderPathFromPSPath(path);
            try
            {
                reports.Add(CalicoctlReport.Read(resolved));
            }
            catch (IpamCleanupException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, resolved));
            }
        }

        var clusterGuid = ReadClusterGuid();
        CalicoctlReleasePlan plan;
        try
        {
            plan = CalicoctlReport.Merge(reports, clusterGuid ?? "");
        }
        catch (IpamCleanupException e)
        {
            ThrowTerminatingError(ToErrorRecord(e, FromCalicoctlReport));
            throw;
        }

        WriteVerbose($"{reports.Count} report(s) agree on {plan.Allocations.Count} leaked addresses and {plan.Handles.Count} leaked handles.");
        var analysis = Analyze();
        var byAddress = analysis.Findings.Where(f => f.Releasable && f.Kind is FindingKind.LeakedIp or FindingKind.LeakedTunnelIp)
            .GroupBy(f => f.IP!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var byHandle = analysis.Findings.Where(f => f.Releasable && f.Kind == FindingKind.OrphanHandle)
            .ToDictionary(f => f.Handle!, StringComparer.Ordinal);
        var releasable = new List<Finding>();
        foreach (var allocation in plan.Allocations)
        {
            if (byAddress.TryGetValue(allocation.IP, out var leak) && (allocation.Handle ?? "") == (leak.RawHandle ?? leak.Handle ?? "") &&
                (allocation.SequenceNumber ?? 0) == (leak.SequenceNumber ?? 0))
            {
                releasable.Add(leak);
            }
            else
            {
                var stand = Synthetic(allocation.IP, allocation.Handle, allocation.SequenceNumber, "Listed as leaked in the calicoctl report(s).");
                WriteObject(ReleaseResult.Skipped(stand, null, leak is null ? ReleaseSkipReason.NowInUse : ReleaseSkipReason.ChangedSinceScan, leak is null
                    ? $"{allocation.IP} is in the report(s) but this module does not prove it leaked (in use, too young, or report only)."
                    : $"{allocation.IP} changed since the report (handle or sequence number differ)."));
            }
        }

        foreach (var handle in plan.Handles)
        {
            if (byHandle.TryGetValue(handle.Id, out var orphan) && orphan.HandleResourceVersion == handle.Revision && SameUid(handle, orphan))
            {
                releasable.Add(orphan);
            }
            else
            {
                var stand = Synthetic(null, handle.Id, null, "Listed as a leaked handle in the calicoctl report(s).") with { Kind = FindingKind.OrphanHandle };
                WriteObject(ReleaseResult.Skipped(stand, null, ReleaseSkipReason.ChangedSinceScan,
                    $"Handle {handle.Id} is no longer an orphan with revision {handle.Revision}."));
            }
        }

        return releasable;
    }

    /// <summary>calicoctl reports libcalico's view of the UID: bit-reversed for crd.projectcalico.org/v1 objects, raw for v3.</summary>
    private bool SameUid(CalicoctlLeakedHandle handle, Finding orphan)
    {
        if (string.IsNullOrEmpty(handle.Uid))
        {
            return true;
        }

        var raw = Client.Resources.Group == CalicoResources.ClassicGroup
            ? (CalicoUid.TryReverse(handle.Uid, out var reversed) ? reversed : null)
            : handle.Uid;
        return string.Equals(raw, orphan.HandleUid, StringComparison.OrdinalIgnoreCase);
    }

    private AnalysisResult Analyze()
    {
        var client = Client;
        var snapshot = RunOrTerminate(ct => client.ReadSnapshotAsync(null, ct));
        return LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = DateTimeOffset.UtcNow, MinimumAge = MinimumAge, KeepBlocksPerNode = KeepBlocksPerNode });
    }

    private static Finding Synthetic(string? address, string? handle, ulong? sequenceNumber, string reason) => new()
    {
        Kind = FindingKind.LeakedIp,
        Releasable = false,
        IP = address,
        Handle = handle,
        SequenceNumber = sequenceNumber,
        Reason = reason,
        Action = "report only",
    };
}
