using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox.Tests;

public sealed class CniSimulatorTests : IAsyncLifetime
{
    private SandboxServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await SandboxServer.StartAsync(new SandboxOptions { GenerateSpec = "nodes=3,pods=20,seed=11,tunnel=vxlan" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void An_ADD_takes_the_head_of_the_free_list_and_records_handle_sequence_and_pod_state()
    {
        using var cni = new CniSimulator(_server.Store, new CniSimulatorOptions { Seed = 1 });
        var node = _server.Store.List("v1", "nodes")[0]["metadata"]!["name"]!.GetValue<string>();
        var before = BlocksOf(node).ToDictionary(GeneratedCluster.Name);

        var allocation = cni.AddPod(node)!;

        var oldBlock = GeneratedCluster.Spec(before[allocation.BlockName]);
        var newBlock = GeneratedCluster.Spec(_server.Store.Get(Objects.Calico, "ipamblocks", null, allocation.BlockName)!);
        var ordinal = oldBlock["unallocated"]![0]!.GetValue<int>();
        Assert.Equal(oldBlock["unallocated"]!.AsArray().Skip(1).Select(o => o!.GetValue<int>()), newBlock["unallocated"]!.AsArray().Select(o => o!.GetValue<int>()));
        Assert.Equal(oldBlock["sequenceNumber"]!.GetValue<long>(), newBlock["sequenceNumberForAllocation"]![ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture)]!.GetValue<long>());
        Assert.Equal(oldBlock["sequenceNumber"]!.GetValue<long>() + 1, newBlock["sequenceNumber"]!.GetValue<long>());
        var handle = _server.Store.Get(Objects.Calico, "ipamhandles", null, allocation.HandleId)!;
        Assert.Equal(1, handle["spec"]!["block"]![newBlock["cidr"]!.GetValue<string>()]!.GetValue<int>());
        var pod = _server.Store.Get("v1", "pods", allocation.Namespace, allocation.Pod)!;
        Assert.Equal(allocation.Ip, pod["status"]!["podIP"]!.GetValue<string>());
        Assert.Equal(allocation.Ip + "/32", pod["metadata"]!["annotations"]!["cni.projectcalico.org/podIP"]!.GetValue<string>());
        Assert.Equal(allocation.HandleId, "k8s-pod-network." + pod["metadata"]!["annotations"]!["cni.projectcalico.org/containerID"]!.GetValue<string>());
        Assert.Equal(allocation.Namespace + "/" + allocation.Pod, cni.LiveAddresses()[allocation.Ip]);
        BlockInvariants.AssertValid(_server.Store.Get(Objects.Calico, "ipamblocks", null, allocation.BlockName)!);
    }

    [Fact]
    public void A_DEL_releases_to_the_tail_drops_the_attribute_and_deletes_handle_and_pod()
    {
        using var cni = new CniSimulator(_server.Store, new CniSimulatorOptions { Seed = 2 });
        var allocation = cni.AddPod()!;
        var before = GeneratedCluster.Spec(_server.Store.Get(Objects.Calico, "ipamblocks", null, allocation.BlockName)!);
        var ordinal = before["allocations"]!.AsArray().Select((a, i) => (a, i)).Single(x => x.a is not null && before["attributes"]![x.a.GetValue<int>()]!["handle_id"]!.GetValue<string>() == allocation.HandleId).i;

        Assert.True(cni.DeletePod(allocation.Namespace, allocation.Pod));

        var after = _server.Store.Get(Objects.Calico, "ipamblocks", null, allocation.BlockName)!;
        var spec = GeneratedCluster.Spec(after);
        Assert.Null(spec["allocations"]![ordinal]);
        Assert.Equal(ordinal, spec["unallocated"]!.AsArray()[^1]!.GetValue<int>());
        Assert.False(spec["sequenceNumberForAllocation"]!.AsObject().ContainsKey(ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(spec["attributes"]!.AsArray(), a => a!["handle_id"]!.GetValue<string>() == allocation.HandleId);
        Assert.Equal(before["sequenceNumber"]!.GetValue<long>() + 1, spec["sequenceNumber"]!.GetValue<long>());
        Assert.Null(_server.Store.Get(Objects.Calico, "ipamhandles", null, allocation.HandleId));
        Assert.Null(_server.Store.Get("v1", "pods", allocation.Namespace, allocation.Pod));
        Assert.Empty(cni.LiveAddresses());
        BlockInvariants.AssertValid(after);
    }

    [Fact]
    public void A_DEL_that_empties_a_block_without_affinity_deletes_the_block_and_an_ADD_never_uses_it()
    {
        _server.Store.Upsert(Objects.Block("10.250.0.0/30", node: "node-x"));
        using var cni = new CniSimulator(_server.Store, new CniSimulatorOptions { Seed = 5 });
        var allocation = cni.AddPod("node-x")!;
        var block = _server.Store.Get(Objects.Calico, "ipamblocks", null, allocation.BlockName)!;
        block["spec"]!["affinity"] = null;
        _server.Store.Replace(block);

        var refused = cni.AddPod("node-x");
        cni.DeletePod(allocation.Namespace, allocation.Pod);

        Assert.Null(refused);
        Assert.Null(_server.Store.Get(Objects.Calico, "ipamblocks", null, allocation.BlockName));
        Assert.Null(_server.Store.Get(Objects.Calico, "ipamhandles", null, allocation.HandleId));
    }

    [Fact]
    public void Tearing_down_a_generated_pod_releases_its_generated_allocation()
    {
        using var cni = new CniSimulator(_server.Store);
        var pod = _server.Store.List("v1", "pods")[0];
        var ip = pod["status"]!["podIP"]!.GetValue<string>();
        var handleId = "k8s-pod-network." + pod["metadata"]!["annotations"]!["cni.projectcalico.org/containerID"]!.GetValue<string>();

        cni.DeletePod(pod["metadata"]!["namespace"]!.GetValue<string>(), GeneratedCluster.Name(pod));

        Assert.Null(_server.Store.Get(Objects.Calico, "ipamhandles", null, handleId));
        Assert.DoesNotContain(_server.Store.List(Objects.Calico, "ipamblocks"), b => GeneratedCluster.Spec(b)["attributes"]!.AsArray().Any(a => a!["handle_id"]!.GetValue<string>() == handleId));
        Assert.DoesNotContain(ip, _server.Store.List("v1", "pods").Select(p => p["status"]?["podIP"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Running_against_a_racing_client_keeps_every_block_and_handle_consistent()
    {
        using var api = new ApiClient(_server);
        var cni = _server.StartCni(new CniSimulatorOptions { RatePerSecond = 200, Seed = 3, Workers = 3 });
        var clientConflicts = 0;
        // At least 1.5 s of racing and at least a dozen set-ups and tear-downs, however slow the machine is right now
        // (a busy CI machine once managed only 9 ADDs in 1.5 s); 60 s at most.
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow < started.AddSeconds(1.5) || ((cni.Adds <= 12 || cni.Deletes <= 12) && DateTime.UtcNow < started.AddSeconds(60)))
        {
            // A client doing read-modify-write on blocks with compare-and-swap, as the cleanup tool does.
            foreach (var block in (await api.GetAsync(Objects.Blocks)).Items.Select(b => b!.AsObject()))
            {
                block["metadata"]!["labels"] = new JsonObject { ["touched"] = DateTime.UtcNow.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                var reply = await api.PutAsync(Objects.Blocks + "/" + GeneratedCluster.Name(block), block);
                clientConflicts += reply.Status == HttpStatusCode.Conflict ? 1 : 0;
            }
        }

        _server.StopCni();

        Assert.True(cni.Adds > 10, $"adds {cni.Adds}");
        Assert.True(cni.Deletes > 10, $"deletes {cni.Deletes}");
        Assert.True(cni.Conflicts + clientConflicts > 0, "no compare-and-swap race happened");
        Assert.Empty(cni.VerifyLive());
        Assert.Empty(cni.Violations);
        var cluster = _server.Store.List(Objects.Calico, "ipamblocks");
        Assert.All(cluster, BlockInvariants.AssertValid);
        var counts = new Dictionary<(string, string), int>();
        foreach (var block in cluster)
        {
            var spec = GeneratedCluster.Spec(block);
            foreach (var index in spec["allocations"]!.AsArray().OfType<JsonValue>())
            {
                var key = (spec["attributes"]![index.GetValue<int>()]!["handle_id"]!.GetValue<string>(), spec["cidr"]!.GetValue<string>());
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        var handles = _server.Store.List(Objects.Calico, "ipamhandles").ToDictionary(h => h["spec"]!["handleID"]!.GetValue<string>());
        foreach (var ((handle, cidr), count) in counts)
        {
            Assert.Equal(count, handles[handle]["spec"]!["block"]![cidr]!.GetValue<int>());
        }

        Assert.Equal(counts.Keys.Select(k => k.Item1).Distinct().Order(), handles.Keys.Order());
        foreach (var live in cni.LiveAllocations())
        {
            Assert.Equal(live.Ip, _server.Store.Get("v1", "pods", live.Namespace, live.Pod)!["status"]!["podIP"]!.GetValue<string>());
        }
    }

    [Fact]
    public void A_simulator_seeded_like_the_generator_still_makes_new_handles()
    {
        var existing = _server.Store.List(Objects.Calico, "ipamhandles").Select(h => h["spec"]!["handleID"]!.GetValue<string>()).ToHashSet();
        using var cni = new CniSimulator(_server.Store, new CniSimulatorOptions { Seed = 11 });

        var handles = Enumerable.Range(0, 5).Select(_ => cni.AddPod()!.HandleId).ToList();

        Assert.DoesNotContain(handles, existing.Contains);
    }

    [Fact]
    public void Someone_else_releasing_a_live_address_is_reported_as_a_violation()
    {
        using var cni = new CniSimulator(_server.Store, new CniSimulatorOptions { Seed = 4 });
        var allocation = cni.AddPod()!;
        var block = _server.Store.Get(Objects.Calico, "ipamblocks", null, allocation.BlockName)!;
        var spec = GeneratedCluster.Spec(block);
        var allocations = spec["allocations"]!.AsArray();
        for (var ordinal = 0; ordinal < allocations.Count; ordinal++)
        {
            if (allocations[ordinal] is JsonValue v && spec["attributes"]![v.GetValue<int>()]!["handle_id"]!.GetValue<string>() == allocation.HandleId)
            {
                allocations[ordinal] = null;
                spec["unallocated"]!.AsArray().Add(ordinal);
            }
        }

        _server.Store.Replace(block);

        Assert.Single(cni.VerifyLive());
        Assert.Contains(allocation.Ip, cni.Violations[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_endpoint_starts_reports_and_stops_the_simulator()
    {
        using var http = new HttpClient { BaseAddress = _server.BaseUri };

        using var start = await http.PostAsync(new Uri("/sandbox/cni", UriKind.Relative), new StringContent("""{"ratePerSecond":100,"seed":1}""", Encoding.UTF8, "application/json"));
        await Task.Delay(400);
        using var stop = await http.PostAsync(new Uri("/sandbox/cni", UriKind.Relative), new StringContent("""{"stop":true}""", Encoding.UTF8, "application/json"));
        var status = JsonNode.Parse(await stop.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        Assert.True(JsonNode.Parse(await start.Content.ReadAsStringAsync())!["running"]!.GetValue<bool>());
        Assert.False(status["running"]!.GetValue<bool>());
        Assert.True(status["adds"]!.GetValue<long>() + status["deletes"]!.GetValue<long>() > 0);
        Assert.Equal(0, _server.Writes.Total);
    }

    private IEnumerable<JsonObject> BlocksOf(string node) =>
        _server.Store.List(Objects.Calico, "ipamblocks").Where(b => GeneratedCluster.Spec(b)["affinity"]?.GetValue<string>() == "host:" + node);
}
