using System.Text;
using System.Text.Json;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Tests.Analysis;

public class CalicoctlReportTests
{
    private const string HandleUid = "0b1c2d3e-4f50-4a6b-9c8d-7e6f5a4b3c2d";

    private static TestCluster Mixed()
    {
        var dualStack = TestCluster.RunningPod("default", "web", "node-a", "10.0.0.5") with { AnnotationPodIPs = "10.0.0.5/32,fd00::5/128" };
        return new TestCluster().Pool("10.0.0.0/16").Pool("fd00::/64", 122).Node("node-a", vxlanV6: "fd00::1").Pod(dualStack)
            .Block("10.0.0.0/26", "host:node-a", b => b
                .Windows(0)
                .Pod(5, "default", "web", "node-a", TestCluster.PodHandle("d5"))
                .Pod(9, "default", "gone", "node-a", TestCluster.PodHandle("g9"), sequence: 77))
            .Block("fd00::/122", "host:node-a", b => b
                .Tunnel(1, "vxlanV6TunnelAddress", "node-a")
                .Pod(5, "default", "web", "node-a", TestCluster.PodHandle("d5")));
    }

    [Fact]
    public void Report_lists_every_allocation_and_only_provable_leaks_are_not_in_use()
    {
        var cluster = Mixed();
        var snapshot = cluster.Build();
        var report = CalicoctlReport.Create(snapshot, LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = TestCluster.Now }), "v3.30.0");

        Assert.Equal(new[] { "10.0.0.0", "10.0.0.5", "10.0.0.9", "fd00::1", "fd00::5" }, report.Allocations.Keys);
        Assert.False(report.Allocations["10.0.0.9"][0].InUse);
        Assert.Equal(77UL, report.Allocations["10.0.0.9"][0].SequenceNumber);

        // The three calicoctl gets wrong: Windows-reserved, IPv6 tunnel, the dual-stack half outside status.
        var windows = report.Allocations["10.0.0.0"][0];
        Assert.True(windows.InUse);
        Assert.Null(windows.Handle);
        Assert.Equal(new[] { "Reserved for Windows" }, windows.Owners);
        Assert.True(report.Allocations["fd00::1"][0].InUse);
        Assert.True(report.Allocations["fd00::5"][0].InUse);

        Assert.Equal(TestCluster.Guid, report.ClusterGuid);
        Assert.Equal("4242", report.ClusterInformationRevision);
        Assert.False(report.DatastoreLocked);
        Assert.Equal("k8s,bgp,kubeadm,kdd", report.ClusterType);
        Assert.Equal("v3.30.0", report.Version);
    }

    [Fact]
    public void Report_uses_calicoctl_field_names_and_go_conventions()
    {
        var cluster = Mixed().Handle("leaked-handle");
        cluster.ClusterInformation = cluster.ClusterInformation! with { DatastoreReady = false };
        var snapshot = cluster.Build();
        var result = LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = TestCluster.Now });
        using var stream = new MemoryStream();

        CalicoctlReport.Write(stream, snapshot, result, "v3.30.0");

        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.StartsWith("{\n  \"version\": \"v3.30.0\",\n  \"clusterGUID\": \"" + TestCluster.Guid + "\",\n  \"datastoreLocked\": true,", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal(new[] { "version", "clusterGUID", "datastoreLocked", "clusterInformationRevision", "clusterType", "allocations", "leakedHandles" },
            root.EnumerateObject().Select(p => p.Name));
        var leaked = root.GetProperty("allocations").GetProperty("10.0.0.9")[0];
        Assert.Equal(new[] { "ip", "handle", "sequenceNumber", "pod", "namespace", "node", "creationTimestamp", "inUse", "owners" },
            leaked.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, leaked.GetProperty("owners").ValueKind);
        Assert.Equal(TestCluster.GoTime(TestCluster.Old), leaked.GetProperty("creationTimestamp").GetString());
        var handle = Assert.Single(root.GetProperty("leakedHandles").EnumerateArray());
        Assert.Equal(new[] { "ID", "UID", "Revision" }, handle.EnumerateObject().Select(p => p.Name));
        Assert.Equal("leaked-handle", handle.GetProperty("ID").GetString());
        Assert.Equal("rv-leaked-handle", handle.GetProperty("Revision").GetString());
    }

    [Fact]
    public void Report_without_leaked_handles_omits_the_field()
    {
        var cluster = Mixed();
        var snapshot = cluster.Build();
        using var stream = new MemoryStream();

        CalicoctlReport.Write(stream, snapshot, LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = TestCluster.Now }), "v3.30.0");

        using var json = JsonDocument.Parse(stream.ToArray());
        Assert.False(json.RootElement.TryGetProperty("leakedHandles", out _));
    }

    [Theory]
    [InlineData("crd.projectcalico.org/v1", "d038b47c-f20a-4ad6-9cb1-7ef65ad23cb4")]
    [InlineData("projectcalico.org/v3", HandleUid)]
    public void Leaked_handle_uid_is_bit_reversed_only_for_v1_backed_layouts(string layout, string expected)
    {
        var cluster = new TestCluster { ApiLayout = layout }.Pool("10.0.0.0/16");
        var snapshot = cluster.Build();
        var handle = new HandleInfo("leaked-handle", HandleUid, "98765", TestCluster.Old, "leaked-handle", new Dictionary<string, int>());
        snapshot = new ClusterSnapshot(snapshot.TakenAt, layout, snapshot.ClusterInformation, snapshot.Settings, snapshot.Pods, snapshot.Nodes,
            snapshot.Services, snapshot.Blocks, new[] { handle }, snapshot.Affinities, snapshot.Pools, snapshot.Migrations);

        var report = CalicoctlReport.Create(snapshot, LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = TestCluster.Now }), "v3.30.0");

        var leaked = Assert.Single(report.LeakedHandles);
        Assert.Equal(new CalicoctlLeakedHandle("leaked-handle", expected, "98765"), leaked);
    }

    [Fact]
    public void Report_round_trips_through_a_file()
    {
        var cluster = Mixed().Handle("leaked-handle");
        var snapshot = cluster.Build();
        var report = CalicoctlReport.Create(snapshot, LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = TestCluster.Now }), "v3.30.0");
        var path = Path.Combine(Path.GetTempPath(), "ipamcleanup-report-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            report.WriteTo(path);
            var read = CalicoctlReport.Read(path);

            Assert.Equal(report.Version, read.Version);
            Assert.Equal(report.ClusterGuid, read.ClusterGuid);
            Assert.Equal(report.ClusterInformationRevision, read.ClusterInformationRevision);
            Assert.Equal(report.Allocations.Keys, read.Allocations.Keys);
            foreach (var (ip, entries) in report.Allocations)
            {
                Assert.Equal(entries.Count, read.Allocations[ip].Count);
                for (var i = 0; i < entries.Count; i++)
                {
                    var expected = entries[i];
                    var actual = read.Allocations[ip][i];
                    Assert.Equal(expected with { Owners = null }, actual with { Owners = null });
                    Assert.Equal(expected.Owners, actual.Owners);
                }
            }

            Assert.Equal(report.LeakedHandles, read.LeakedHandles);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Cooling_down_address_is_reported_cooling_down_and_in_use()
    {
        // §6 scenario 2 in report form: calicoctl before v3.33 ignores coolingDown, so inUse must protect it.
        var cluster = new TestCluster().Pool("192.168.0.0/24").Block("192.168.0.0/30", null, b => b.Cooling(0, TestCluster.Now.AddMinutes(-1)));
        var snapshot = cluster.Build();

        var entry = CalicoctlReport.Create(snapshot, LeakAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = TestCluster.Now }), "v3.33.0").Allocations["192.168.0.0"][0];

        Assert.True(entry.CoolingDown);
        Assert.True(entry.InUse);
        Assert.Null(entry.Handle);
    }

    [Fact]
    public void Merge_keeps_addresses_leaked_in_every_report_with_the_same_handle_and_sequence()
    {
        var first = Report(("10.0.0.1", "h1", 1UL, false), ("10.0.0.2", "h2", 2UL, false), ("10.0.0.3", "h3", 3UL, false), ("10.0.0.4", "h4", 4UL, false));
        var second = Report(("10.0.0.1", "h1", 1UL, false), ("10.0.0.2", "h2", 2UL, true), ("10.0.0.3", "h3", 9UL, false), ("10.0.0.5", "h5", 5UL, false));

        var plan = CalicoctlReport.Merge(new[] { first, second }, TestCluster.Guid);

        var kept = Assert.Single(plan.Allocations);
        Assert.Equal(("10.0.0.1", "h1", (ulong?)1UL), (kept.IP, kept.Handle, kept.SequenceNumber));
        Assert.Equal(new[] { "rev-1", "rev-1" }, plan.ClusterInformationRevisions);
    }

    [Fact]
    public void Merge_keeps_handles_leaked_in_every_report_with_the_same_uid_and_revision()
    {
        var first = Report() with
        {
            LeakedHandles = new[] { new CalicoctlLeakedHandle("a", "u1", "1"), new CalicoctlLeakedHandle("b", "u2", "2"), new CalicoctlLeakedHandle("c", "u3", "3") },
        };
        var second = Report() with
        {
            LeakedHandles = new[] { new CalicoctlLeakedHandle("a", "u1", "1"), new CalicoctlLeakedHandle("b", "u2", "5"), new CalicoctlLeakedHandle("c", "u9", "3") },
        };

        var plan = CalicoctlReport.Merge(new[] { first, second }, TestCluster.Guid);

        Assert.Equal(new[] { new CalicoctlLeakedHandle("a", "u1", "1") }, plan.Handles);
    }

    [Fact]
    public void Merge_skips_addresses_with_several_allocations_or_cooling_down()
    {
        var report = Report(("10.0.0.1", "h1", 1UL, false));
        var doubled = report.Allocations["10.0.0.1"][0];
        report = report with
        {
            Allocations = new Dictionary<string, IReadOnlyList<CalicoctlAllocation>>
            {
                ["10.0.0.1"] = new[] { doubled, doubled },
                ["10.0.0.2"] = new[] { doubled with { IP = "10.0.0.2", CoolingDown = true } },
            },
        };

        Assert.Empty(CalicoctlReport.Merge(new[] { report }, TestCluster.Guid).Allocations);
    }

    [Theory]
    [InlineData("other-guid", TestCluster.Guid)]
    [InlineData(TestCluster.Guid, "other-guid")]
    public void Merge_refuses_reports_of_another_cluster(string reportGuid, string clusterGuid)
    {
        var reports = new[] { Report(), Report() with { ClusterGuid = reportGuid } };

        var error = Assert.Throws<IpamCleanupException>(() => CalicoctlReport.Merge(reports, clusterGuid));

        Assert.Equal("ReportClusterMismatch", error.ErrorId);
        Assert.Equal("InvalidData", error.Category);
    }

    [Fact]
    public void Merge_needs_at_least_one_report_and_a_known_cluster()
    {
        Assert.Throws<ArgumentException>(() => CalicoctlReport.Merge(Array.Empty<CalicoctlReport>(), TestCluster.Guid));
        Assert.Equal("ReportClusterMismatch", Assert.Throws<IpamCleanupException>(() => CalicoctlReport.Merge(new[] { Report() }, string.Empty)).ErrorId);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"clusterGUID\":\"g\"}")]
    [InlineData("{\"clusterGUID\":\"g\",\"allocations\":[]}")]
    [InlineData("{\"allocations\":{}}")]
    [InlineData("{\"clusterGUID\":\"g\",\"allocations\":{\"10.0.0.1\":[{\"ip\":\"10.0.0.1\"}]}}")]
    [InlineData("{\"clusterGUID\":\"g\",\"allocations\":{\"10.0.0.1\":[{\"ip\":\"10.0.0.1\",\"inUse\":false,\"sequenceNumber\":-1}]}}")]
    [InlineData("{\"clusterGUID\":\"g\",\"allocations\":{},\"leakedHandles\":[{\"UID\":\"u\"}]}")]
    public void Reading_a_malformed_report_fails_with_ReportInvalid(string json)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));

        var error = Assert.Throws<IpamCleanupException>(() => CalicoctlReport.Read(stream, "r.json"));

        Assert.Equal("ReportInvalid", error.ErrorId);
        Assert.Equal("InvalidData", error.Category);
        Assert.Equal("r.json", error.Target);
    }

    [Fact]
    public void Reading_a_calicoctl_written_report_accepts_go_nulls()
    {
        const string json = """
            {
              "version": "v3.31.0",
              "clusterGUID": "g",
              "datastoreLocked": true,
              "clusterInformationRevision": "123456",
              "clusterType": "k8s,bgp,kubeadm,kdd",
              "allocations": {
                "10.65.79.2": [
                  {
                    "ip": "10.65.79.2",
                    "handle": "k8s-pod-network.3f2a",
                    "sequenceNumber": 18446744073709551615,
                    "inUse": false,
                    "owners": null
                  }
                ]
              },
              "leakedHandles": [ { "ID": "leaked-handle", "UID": null, "Revision": "98765" } ]
            }
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));

        var report = CalicoctlReport.Read(stream);

        Assert.True(report.DatastoreLocked);
        Assert.Equal(ulong.MaxValue, report.Allocations["10.65.79.2"][0].SequenceNumber);
        Assert.Null(report.Allocations["10.65.79.2"][0].Owners);
        Assert.Equal(new CalicoctlLeakedHandle("leaked-handle", null, "98765"), Assert.Single(report.LeakedHandles));
    }

    private static CalicoctlReport Report(params (string Ip, string Handle, ulong Sequence, bool InUse)[] allocations) =>
        new(
            "v3.30.0",
            TestCluster.Guid,
            true,
            "rev-1",
            "k8s",
            allocations.ToDictionary(
                a => a.Ip,
                a => (IReadOnlyList<CalicoctlAllocation>)new[] { new CalicoctlAllocation(a.Ip, a.Handle, a.Sequence, null, null, "node-a", null, null, a.InUse, false, false, null) }),
            Array.Empty<CalicoctlLeakedHandle>());
}
