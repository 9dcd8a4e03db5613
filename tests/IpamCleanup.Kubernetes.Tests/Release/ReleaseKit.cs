using System.Globalization;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;
using IpamCleanup.Kubernetes.Release;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>Scan, release and check helpers shared by the release tests. Everything goes through the sandbox's HTTP API.</summary>
internal static class ReleaseKit
{
    public const string V1 = IpamSeed.V1;

    public static async Task<TestCluster> StartAsync(IpamSeed seed, Action<SandboxOptions>? configure = null)
    {
        var cluster = await TestCluster.StartAsync(generate: null, configure: configure);
        seed.SeedInto(cluster.Server.Store);
        return cluster;
    }

    /// <summary>A fresh snapshot through the API, analysed like Get-CalicoIpamLeak does (findings of every kind).</summary>
    public static async Task<IReadOnlyList<Finding>> ScanAsync(CalicoClient client, TimeSpan? minimumAge = null, int keepBlocksPerNode = 1, DateTimeOffset? now = null)
    {
        var snapshot = await client.ReadSnapshotAsync();
        return LeakAnalyzer.Analyze(snapshot, new AnalysisOptions
        {
            Now = now ?? DateTimeOffset.UtcNow,
            MinimumAge = minimumAge ?? TimeSpan.FromMinutes(15),
            KeepBlocksPerNode = keepBlocksPerNode,
        }).Findings;
    }

    /// <summary>Options for tests: no request-rate cap (the cap has its own test), everything else at its default.</summary>
    public static ReleaseOptions Options(TimeSpan? minimumAge = null, int throttle = 4, IAuditSink? audit = null, TimeProvider? clock = null, int keepBlocksPerNode = 1, string? backupPath = null, int? cooldownSeconds = null) => new()
    {
        CooldownSeconds = cooldownSeconds,
        ThrottleLimit = throttle,
        MaxRequestsPerSecond = double.PositiveInfinity,
        MinimumAge = minimumAge ?? TimeSpan.FromMinutes(15),
        KeepBlocksPerNode = keepBlocksPerNode,
        Audit = audit,
        TimeProvider = clock ?? TimeProvider.System,
        BackupPath = backupPath,
        ChangeRequest = "CHG0042",
    };

    public static Task<IReadOnlyList<ReleaseResult>> ReleaseAsync(CalicoClient client, IEnumerable<Finding> findings, ReleaseOptions? options = null, IReadOnlySet<FindingKind>? kinds = null) =>
        new ReleaseEngine(client, options ?? Options()).ReleaseAsync(findings, kinds);

    public static Finding Single(IEnumerable<Finding> findings, FindingKind kind, string? ipOrBlock = null) =>
        Assert.Single(findings, f => f.Kind == kind && (ipOrBlock is null || f.IP == ipOrBlock || f.Block == ipOrBlock));

    public static ReleaseResult ResultFor(IEnumerable<ReleaseResult> results, Finding finding) =>
        Assert.Single(results, r => ReferenceEquals(r.Finding, finding) || r.Finding == finding);

    public static JsonObject? Block(TestCluster cluster, string name) => cluster.Server.Store.Get(V1, "ipamblocks", null, name);

    public static JsonObject? Handle(TestCluster cluster, string handleId) => cluster.Server.Store.Get(V1, "ipamhandles", null, handleId.ToLowerInvariant());

    public static JsonObject? Affinity(TestCluster cluster, string node, string cidr) =>
        cluster.Server.Store.Get(V1, "blockaffinities", null, Core.Naming.CalicoNames.AffinityName(node, cidr));

    /// <summary>Whether the block allocates <paramref name="ordinal"/>.</summary>
    public static bool IsAllocated(JsonObject block, int ordinal) => block["spec"]!["allocations"]![ordinal] is not null;

    /// <summary>Every violation of the §1.3 structural invariants in every block of the store.</summary>
    public static List<string> BlockProblems(SandboxStore store, string apiVersion = V1)
    {
        var problems = new List<string>();
        foreach (var block in store.List(apiVersion, "ipamblocks"))
        {
            var name = (string)block["metadata"]!["name"]!;
            var spec = block["spec"]!.AsObject();
            var size = Core.Net.IpNet.Parse((string)spec["cidr"]!).SizeAsInt32!.Value;
            var allocations = spec["allocations"]!.AsArray();
            var attributes = spec["attributes"]!.AsArray();
            var unallocated = spec["unallocated"]!.AsArray().Select(n => (int)n!).ToList();
            if (allocations.Count != size)
            {
                problems.Add($"{name}: {allocations.Count} allocations for {size} addresses");
            }

            var referenced = new bool[attributes.Count];
            var allocated = 0;
            for (var ordinal = 0; ordinal < allocations.Count; ordinal++)
            {
                if (allocations[ordinal] is not { } node)
                {
                    continue;
                }

                allocated++;
                var index = (int)node;
                if (index < 0 || index >= attributes.Count)
                {
                    problems.Add($"{name}: allocation {ordinal} indexes a nonexistent attribute {index}");
                }
                else
                {
                    referenced[index] = true;
                }
            }

            for (var i = 0; i < referenced.Length; i++)
            {
                if (!referenced[i])
                {
                    problems.Add($"{name}: attribute {i} is not referenced");
                }
            }

            if (unallocated.Distinct().Count() != unallocated.Count)
            {
                problems.Add($"{name}: duplicate ordinals in unallocated");
            }

            foreach (var ordinal in unallocated)
            {
                if (ordinal < 0 || ordinal >= size)
                {
                    problems.Add($"{name}: ordinal {ordinal} in unallocated is out of range");
                }
                else if (allocations[ordinal] is not null)
                {
                    problems.Add($"{name}: ordinal {ordinal} is allocated and in unallocated");
                }
            }

            if (unallocated.Count + allocated != size)
            {
                problems.Add($"{name}: unallocated ({unallocated.Count}) + allocated ({allocated}) != {size}");
            }
        }

        return problems;
    }

    /// <summary>Every handle whose per-block counts differ from the blocks' allocations (and allocations without a handle object).</summary>
    public static List<string> HandleCountProblems(SandboxStore store, string apiVersion = V1)
    {
        var actual = new Dictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var block in store.List(apiVersion, "ipamblocks"))
        {
            var spec = block["spec"]!;
            var attributes = spec["attributes"]!.AsArray();
            var cidr = (string)spec["cidr"]!;
            foreach (var index in spec["allocations"]!.AsArray())
            {
                if (index is null)
                {
                    continue;
                }

                var handle = (string?)attributes[(int)index]!["handle_id"];
                if (handle is null || handle == "windows-reserved-ipam-handle")
                {
                    continue;
                }

                if (!actual.TryGetValue(handle, out var perBlock))
                {
                    actual[handle] = perBlock = new SortedDictionary<string, int>(StringComparer.Ordinal);
                }

                perBlock[cidr] = perBlock.GetValueOrDefault(cidr) + 1;
            }
        }

        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in store.List(apiVersion, "ipamhandles"))
        {
            var id = (string)handle["spec"]!["handleID"]!;
            seen.Add(id);
            var stored = new SortedDictionary<string, int>(StringComparer.Ordinal);
            if (handle["spec"]!["block"] is JsonObject map)
            {
                foreach (var (cidr, count) in map)
                {
                    stored[cidr] = (int)count!;
                }
            }

            var expected = actual.GetValueOrDefault(id) ?? new SortedDictionary<string, int>(StringComparer.Ordinal);
            if (!stored.SequenceEqual(expected))
            {
                problems.Add($"handle {id}: stores {Text(stored)}, blocks hold {Text(expected)}");
            }
        }

        foreach (var (handle, perBlock) in actual)
        {
            if (!seen.Contains(handle))
            {
                problems.Add($"allocations of handle {handle} ({Text(perBlock)}) have no IPAMHandle");
            }
        }

        return problems;

        static string Text(SortedDictionary<string, int> map) =>
            "{" + string.Join(", ", map.Select(e => e.Key + ":" + e.Value.ToString(CultureInfo.InvariantCulture))) + "}";
    }

    /// <summary>Calico objects in the store that lost the unknown field the seed gave them.</summary>
    public static List<string> LostUnknownFields(SandboxStore store, string apiVersion = V1)
    {
        var lost = new List<string>();
        foreach (var plural in new[] { "ipamblocks", "ipamhandles", "blockaffinities" })
        {
            foreach (var obj in store.List(apiVersion, plural))
            {
                var created = (obj["metadata"]!["annotations"] as JsonObject)?["example.com/" + IpamSeed.UnknownField] is not null;
                if (created && (obj["spec"]![IpamSeed.UnknownField] is not JsonObject field || (int)field["n"]! != 42))
                {
                    lost.Add(plural + "/" + obj["metadata"]!["name"]);
                }
            }
        }

        return lost;
    }
}
