using System.Text.Encodings.Web;
using System.Text.Json;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// The JSON report of <c>calicoctl ipam check -o</c> (calico-ipam.md §4a), written from our analysis and read back,
/// so a report can be handed to <c>calicoctl ipam release --from-report</c>, to IBM support, or merged here.
/// Every allocation is listed, as calicoctl does, but <c>inUse</c> comes from our stricter rules: only an address this
/// module would release now is <c>inUse:false</c>. Windows-reserved addresses, IPv6 tunnel addresses, the other half of
/// a dual-stack pod, partial handles, young leaks and anything in a corrupt block all come out <c>inUse:true</c>, so
/// calicoctl cannot release them either. Cooling-down addresses are <c>inUse:true</c> and <c>coolingDown:true</c>
/// (calicoctl before v3.33 does not know <c>coolingDown</c>). <c>leakedHandles</c> holds only the releasable
/// OrphanHandle findings of the analysis (none when its Kinds filter left OrphanHandle out).
/// </summary>
public sealed record CalicoctlReport(
    string Version,
    string ClusterGuid,
    bool DatastoreLocked,
    string ClusterInformationRevision,
    string ClusterType,
    IReadOnlyDictionary<string, IReadOnlyList<CalicoctlAllocation>> Allocations,
    IReadOnlyList<CalicoctlLeakedHandle> LeakedHandles)
{
    private const string MismatchId = "ReportClusterMismatch";
    private const string InvalidId = "ReportInvalid";
    private const string InvalidData = "InvalidData";

    /// <summary>Builds the report of an analysis of <paramref name="snapshot"/>; <paramref name="version"/> is written as "version".</summary>
    public static CalicoctlReport Create(ClusterSnapshot snapshot, AnalysisResult result, string version)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(version);

        var allocations = new SortedDictionary<string, IReadOnlyList<CalicoctlAllocation>>(StringComparer.Ordinal);
        foreach (var state in result.Allocations)
        {
            var entry = new CalicoctlAllocation(
                state.IP,
                state.WindowsReserved || string.IsNullOrEmpty(state.Handle) ? null : state.Handle,
                state.SequenceNumber,
                state.Pod,
                state.Namespace,
                state.Node,
                state.Type,
                state.Timestamp,
                !state.Releasable,
                state.Borrowed,
                state.CoolingDown,
                state.Owners.Count == 0 ? null : state.Owners);
            if (allocations.TryGetValue(state.IP, out var existing))
            {
                allocations[state.IP] = existing.Append(entry).ToArray();
            }
            else
            {
                allocations[state.IP] = new[] { entry };
            }
        }

        var translate = snapshot.ApiLayout.StartsWith("crd.projectcalico.org", StringComparison.Ordinal);
        var handles = result.Findings
            .Where(f => f.Kind == FindingKind.OrphanHandle && f.Releasable)
            .Select(f => new CalicoctlLeakedHandle(
                f.RawHandle ?? f.Handle ?? string.Empty,
                translate && CalicoUid.TryReverse(f.HandleUid, out var reversed) ? reversed : f.HandleUid,
                f.HandleResourceVersion ?? string.Empty))
            .ToArray();

        var info = snapshot.ClusterInformation;
        return new CalicoctlReport(
            version,
            info?.ClusterGuid ?? string.Empty,
            info?.DatastoreReady == false,
            info?.ResourceVersion ?? string.Empty,
            info?.ClusterType ?? string.Empty,
            allocations,
            handles);
    }

    /// <summary>Creates the report and writes it to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ClusterSnapshot snapshot, AnalysisResult result, string version) =>
        Create(snapshot, result, version).WriteTo(stream);

    /// <summary>Creates the report and writes it to the file at <paramref name="path"/> (replaced if it exists).</summary>
    public static void Write(string path, ClusterSnapshot snapshot, AnalysisResult result, string version) =>
        Create(snapshot, result, version).WriteTo(path);

    /// <summary>Writes the report as calicoctl does (Go MarshalIndent: two-space indent, map keys sorted, no final newline).</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        CalicoctlReportJson.Write(writer, this);
    }

    public void WriteTo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.Create(path);
        WriteTo(stream);
    }

    /// <exception cref="IpamCleanupException">ErrorId ReportInvalid: the file is not a calicoctl report.</exception>
    public static CalicoctlReport Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <exception cref="IpamCleanupException">ErrorId ReportInvalid: the stream is not a calicoctl report.</exception>
    public static CalicoctlReport Read(Stream stream, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var document = JsonDocument.Parse(stream);
            return CalicoctlReportJson.Read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new IpamCleanupException(
                InvalidId,
                InvalidData,
                "The report " + (source ?? "stream") + " is not a calicoctl ipam check report: " + e.Message,
                "Pass a file written by 'calicoctl ipam check -o' or by this module.",
                source,
                e);
        }
    }

    /// <summary>
    /// The intersection of reports taken at different times, as <c>calicoctl ipam release --from-report</c> merges them,
    /// but stricter: an address is kept only if every report lists it exactly once, not in use, not cooling down, and
    /// with the same handle and sequence number (a changed pair means it was re-allocated in between); a handle only
    /// if every report lists it with the same UID and Revision.
    /// </summary>
    /// <param name="clusterGuid">The GUID of the cluster the plan is for; every report must carry exactly it.</param>
    /// <exception cref="IpamCleanupException">ErrorId ReportClusterMismatch when a report belongs to another cluster.</exception>
    public static CalicoctlReleasePlan Merge(IReadOnlyList<CalicoctlReport> reports, string clusterGuid)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            throw new ArgumentException("At least one report is needed.", nameof(reports));
        }

        if (string.IsNullOrEmpty(clusterGuid))
        {
            throw new IpamCleanupException(MismatchId, InvalidData,
                "The cluster has no ClusterInformation GUID, so no report can be proven to belong to it.",
                "Check that ClusterInformation 'default' exists (calico-node creates it), then take a new report.");
        }

        foreach (var report in reports)
        {
            if (!string.Equals(report.ClusterGuid, clusterGuid, StringComparison.Ordinal))
            {
                throw new IpamCleanupException(MismatchId, InvalidData,
                    "A report belongs to cluster '" + report.ClusterGuid + "', not to this cluster ('" + clusterGuid + "'). Refusing to use it.",
                    "Use only reports taken from this cluster.");
            }
        }

        Dictionary<string, CalicoctlAllocation>? leaked = null;
        Dictionary<string, CalicoctlLeakedHandle>? handles = null;
        foreach (var report in reports)
        {
            var ips = new Dictionary<string, CalicoctlAllocation>(StringComparer.Ordinal);
            foreach (var (ip, entries) in report.Allocations)
            {
                if (entries.Count == 1 && entries[0] is { InUse: false, CoolingDown: false } entry &&
                    (leaked is null || (leaked.TryGetValue(ip, out var before) && SameAllocation(before, entry))))
                {
                    ips[ip] = entry;
                }
            }

            var ids = new Dictionary<string, CalicoctlLeakedHandle>(StringComparer.Ordinal);
            foreach (var handle in report.LeakedHandles)
            {
                if (handles is null || (handles.TryGetValue(handle.Id, out var before) && before == handle))
                {
                    ids[handle.Id] = handle;
                }
            }

            leaked = ips;
            handles = ids;
        }

        return new CalicoctlReleasePlan(
            clusterGuid,
            reports.Select(r => r.ClusterInformationRevision).ToArray(),
            leaked!.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToArray(),
            handles!.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToArray());
    }

    private static bool SameAllocation(CalicoctlAllocation x, CalicoctlAllocation y) =>
        string.Equals(x.Handle, y.Handle, StringComparison.Ordinal) && x.SequenceNumber == y.SequenceNumber;
}
