using System.Text;

namespace IpamCleanup.Sandbox;

/// <summary>A planned cluster: its objects (written on demand, identical on every enumeration) and what was injected.</summary>
public sealed class GeneratedScenario
{
    private readonly ScenarioPlan _plan;

    internal GeneratedScenario(ScenarioPlan plan)
    {
        _plan = plan;
        Truth = BuildTruth(plan);
    }

    public ScenarioSpec Spec => _plan.Spec;

    public ScenarioTruth Truth { get; }

    /// <summary>Every object as UTF-8 JSON with apiVersion and kind, ready for <see cref="SandboxStore.Seed"/>.</summary>
    public IEnumerable<byte[]> Items()
    {
        using var writer = new ScenarioWriter(_plan);
        foreach (var item in writer.Items())
        {
            yield return item;
        }
    }

    /// <summary>Writes the scenario as a <c>v1 List</c>, the shape <c>kubectl get -o json</c> prints.</summary>
    public void WriteList(Stream destination)
    {
        destination.Write("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"\"},\"items\":[\n"u8);
        var first = true;
        foreach (var item in Items())
        {
            if (!first)
            {
                destination.Write(",\n"u8);
            }

            first = false;
            destination.Write(item);
        }

        destination.Write("\n]}\n"u8);
    }

    public void WriteList(string path)
    {
        using var file = File.Create(path);
        WriteList(file);
    }

    public string ToListJson()
    {
        using var buffer = new MemoryStream();
        WriteList(buffer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static ScenarioTruth BuildTruth(ScenarioPlan plan)
    {
        static LeakedAllocation Leak(AllocationPlan a) =>
            new(a.Address, a.HandleId, a.Block.Name, a.Node.Name, a.Pod?.Namespace, a.Pod?.Name);

        var deletedNodes = plan.Nodes.Where(n => n.Deleted).ToList();
        return new ScenarioTruth
        {
            Nodes = plan.Nodes.Count - deletedNodes.Count,
            Pods = plan.Pods.Count(p => p.Exists),
            Blocks = plan.Blocks.Count,
            Affinities = plan.Blocks.Count,
            Handles = plan.Nodes.Sum(n => n.Tunnels.Count) + plan.Pods.Count + plan.OrphanHandles.Count,
            LeakedPodAllocations = plan.Pods.Where(p => !p.Exists && !p.Node.Deleted).SelectMany(p => p.Allocations).Select(Leak).ToList(),
            DeletedNodes = deletedNodes.Select(n => n.Name).ToList(),
            DeletedNodeBlocks = deletedNodes.SelectMany(n => n.Blocks).Select(b => b.Name).ToList(),
            DeletedNodeAllocations = deletedNodes.SelectMany(n => n.Blocks).SelectMany(b => b.Allocations).Select(Leak).ToList(),
            OrphanHandles = plan.OrphanHandles.Select(h => h.HandleId).ToList(),
            EmptyBlocks = plan.EmptyBlocks.Select(b => b.Name).ToList(),
        };
    }
}
