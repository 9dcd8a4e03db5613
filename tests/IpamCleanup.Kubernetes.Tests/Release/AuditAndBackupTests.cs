using System.Text.Json.Nodes;
using IpamCleanup.Core.Release;
using IpamCleanup.Kubernetes.Release;
using static IpamCleanup.Kubernetes.Tests.Release.ReleaseKit;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>Every write is one audit line; every object about to change is saved before the first write.</summary>
public sealed class AuditAndBackupTests
{
    private static IpamSeed Seed() => new IpamSeed().ClusterInformation("c0ffee00c0ffee00c0ffee00c0ffee00").Pool("10.0.0.0/16").Node("n1")
        .Block("10.0.0.0/26", "host:n1").Pod(1, "default", "gone-1", "n1", "k8s-pod-network.g1").Pod(2, "default", "gone-2", "n1", "k8s-pod-network.g2").Done()
        .Block("10.0.0.64/26", "host:n1").Done()
        .Affinity("n1", "10.0.0.0/26").Affinity("n1", "10.0.0.64/26")
        .HandlesForAllocations()
        .Handle("k8s-pod-network.orphan", ("10.0.0.0/26", 1));

    [Fact]
    public async Task Every_write_is_one_json_line_with_who_where_what_and_the_outcome()
    {
        await using var cluster = await StartAsync(Seed());
        using var client = await cluster.ConnectAsync();
        var findings = (await ScanAsync(client)).Where(f => f.Releasable).ToList();
        var path = Path.Combine(cluster.Directory, "audit", "audit.jsonl");
        using (var sink = new JsonLinesAuditSink(path))
        {
            Assert.All(await ReleaseAsync(client, findings, Options(audit: sink)), r => Assert.Equal(ReleaseStatus.Released, r.Status));
        }

        var lines = File.ReadAllLines(path);
        var records = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(
            new[]
            {
                "BlockAffinity DeleteAffinity Deleted",
                "BlockAffinity MarkAffinityPendingDeletion Updated",
                "IPAMBlock DeleteBlock Deleted",
                "IPAMBlock ReleaseAddresses Updated",
                "IPAMHandle DeleteHandle Deleted",
                "IPAMHandle DeleteHandle Deleted",
                "IPAMHandle DeleteOrphanHandle Deleted",
            },
            records.Select(r => $"{r["kind"]} {r["action"]} {r["result"]}").Order(StringComparer.Ordinal));
        foreach (var record in records)
        {
            Assert.Equal(
                new[] { "time", "user", "context", "server", "clusterGuid", "changeRequest", "kind", "name", "resourceVersionBefore", "resourceVersionAfter", "action", "result", "message" },
                record.Select(p => p.Key));
            Assert.EndsWith("Z", (string)record["time"]!, StringComparison.Ordinal);
            Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse((string)record["time"]!, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(1));
            Assert.Equal(Environment.UserName, (string)record["user"]!);
            Assert.Equal("sandbox", (string)record["context"]!);
            Assert.Equal(client.Server, (string)record["server"]!);
            Assert.Equal("c0ffee00c0ffee00c0ffee00c0ffee00", (string)record["clusterGuid"]!);
            Assert.Equal("CHG0042", (string)record["changeRequest"]!);
            Assert.False(string.IsNullOrEmpty((string?)record["resourceVersionBefore"]));
        }

        var blockWrite = records.Single(r => (string)r["action"]! == "ReleaseAddresses");
        Assert.Equal("10-0-0-0-26", (string)blockWrite["name"]!);
        Assert.Equal((string)Block(cluster, "10-0-0-0-26")!["metadata"]!["resourceVersion"]!, (string)blockWrite["resourceVersionAfter"]!);
        Assert.Contains("released 10.0.0.1, 10.0.0.2", (string)blockWrite["message"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSecrets.SandboxToken, File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_file_is_appended_to_and_safe_to_write_from_many_threads()
    {
        var path = Path.Combine(TestCluster.NewScratchDirectory(), "audit.jsonl");
        File.WriteAllText(path, "{\"earlier\":true}\n");
        using (var sink = new JsonLinesAuditSink(path))
        {
            Parallel.For(0, 400, i => sink.Write(new AuditRecord
            {
                Time = DateTimeOffset.UtcNow,
                User = "u",
                Context = "c",
                Server = "https://s",
                ObjectKind = "IPAMBlock",
                ObjectName = "b" + i,
                Action = "ReleaseAddresses",
                Result = "Updated",
                Message = "line \"" + i + "\"\nwith a newline",
            }));
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(401, lines.Length);
        Assert.Equal(400, lines.Skip(1).Select(l => (string)JsonNode.Parse(l)!["name"]!).Distinct().Count());
    }

    [Fact]
    public async Task Before_the_first_write_every_object_about_to_change_is_saved_as_a_kubectl_list()
    {
        await using var cluster = await StartAsync(Seed());
        using var client = await cluster.ConnectAsync();
        var findings = (await ScanAsync(client)).Where(f => f.Releasable).ToList();
        var before = new[] { "ipamblocks", "ipamhandles", "blockaffinities" }
            .SelectMany(p => cluster.Server.Store.List(V1, p))
            .ToDictionary(o => (string)o["kind"]! + "/" + (string)o["metadata"]!["name"]!, o => o.ToJsonString());
        var path = Path.Combine(cluster.Directory, "backup", "before.json");
        var firstWriteSawBackup = false;
        var audit = new HookAuditSink(_ => firstWriteSawBackup |= File.Exists(path));

        await ReleaseAsync(client, findings, Options(audit: audit, backupPath: path));

        Assert.True(firstWriteSawBackup);
        var list = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal("v1", (string)list["apiVersion"]!);
        Assert.Equal("List", (string)list["kind"]!);
        var saved = list["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        Assert.Equal(
            new[] { "BlockAffinity/n1-10-0-0-64-26", "IPAMBlock/10-0-0-0-26", "IPAMBlock/10-0-0-64-26", "IPAMHandle/k8s-pod-network.g1", "IPAMHandle/k8s-pod-network.g2", "IPAMHandle/k8s-pod-network.orphan" },
            saved.Select(i => (string)i["kind"]! + "/" + (string)i["metadata"]!["name"]!).Order(StringComparer.Ordinal));
        foreach (var item in saved)
        {
            Assert.Equal(V1, (string)item["apiVersion"]!);
            Assert.Equal(before[(string)item["kind"]! + "/" + (string)item["metadata"]!["name"]!], item.ToJsonString());
        }

        // The List loads back as a seed, as the README's restore steps do with kubectl.
        cluster.Server.Store.SeedFromList(File.ReadAllText(path));
        Assert.NotNull(Handle(cluster, "k8s-pod-network.orphan"));
    }

    [Fact]
    public async Task An_existing_backup_file_is_never_overwritten_and_nothing_is_written()
    {
        await using var cluster = await StartAsync(Seed());
        using var client = await cluster.ConnectAsync();
        var findings = (await ScanAsync(client)).Where(f => f.Releasable).ToList();
        var path = Path.Combine(cluster.Directory, "before.json");
        File.WriteAllText(path, "keep me");
        cluster.Server.Writes.Reset();

        var error = await Assert.ThrowsAsync<Core.IpamCleanupException>(() => ReleaseAsync(client, findings, Options(backupPath: path)));

        Assert.Equal(ReleaseErrorIds.BackupFailed, error.ErrorId);
        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Equal(0, cluster.Server.Writes.AttemptedTotal);
    }
}
