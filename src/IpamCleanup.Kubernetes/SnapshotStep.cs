using System.Text.Json;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes;

/// <summary>One read of a snapshot: a LIST of <see cref="Resource"/>, or a GET of its singleton <see cref="SingletonName"/>.</summary>
/// <param name="Optional">404 means "absent" (a missing singleton, an API group that is not served), not an error.</param>
/// <param name="Add">How an object of this resource enters a <see cref="ClusterSnapshotBuilder"/>.</param>
/// <param name="Records">Where the parsed records of a LIST go.</param>
internal sealed record SnapshotStep(KubeResource Resource, string? SingletonName, bool Optional, Action<ClusterSnapshotBuilder, JsonElement> Add, SnapshotRecordKind Records)
{
    /// <summary>
    /// calico-ipam.md §4f F1, ordered so that races err towards "in use": configuration first; handles before blocks
    /// (a CNI ADD writes the handle first, so no handle looks orphaned for lack of its block); blocks before pods and
    /// nodes (an IP allocated after the block read is simply not seen, rather than seen without its pod).
    /// </summary>
    public static IReadOnlyList<SnapshotStep> Plan(CalicoResources calico, bool migrationApiServed)
    {
        var steps = new List<SnapshotStep>
        {
            new(calico[CalicoKind.ClusterInformation], CalicoResources.SingletonName, true, (b, e) => b.SetClusterInformation(e), SnapshotRecordKind.Builder),
            new(calico[CalicoKind.IpamConfig], CalicoResources.SingletonName, true, (b, e) => b.SetIpamConfig(e), SnapshotRecordKind.Builder),
            new(calico[CalicoKind.KubeControllersConfiguration], CalicoResources.SingletonName, true, (b, e) => b.SetKubeControllersConfig(e), SnapshotRecordKind.Builder),
        };

        if (migrationApiServed)
        {
            steps.Add(new(KubeResource.DatastoreMigrations, null, true, (b, e) => b.AddMigration(e), SnapshotRecordKind.Builder));
        }

        steps.Add(new(calico[CalicoKind.IpPool], null, false, (b, e) => b.AddPool(e), SnapshotRecordKind.Builder));
        steps.Add(new(calico[CalicoKind.IpamHandle], null, false, (b, e) => b.AddHandle(e), SnapshotRecordKind.Handles));
        steps.Add(new(calico[CalicoKind.IpamBlock], null, false, (b, e) => b.AddBlock(e), SnapshotRecordKind.Blocks));
        steps.Add(new(calico[CalicoKind.BlockAffinity], null, false, (b, e) => b.AddAffinity(e), SnapshotRecordKind.Affinities));
        steps.Add(new(KubeResource.Pods, null, false, (b, e) => b.AddPod(e), SnapshotRecordKind.Pods));
        steps.Add(new(KubeResource.Nodes, null, false, (b, e) => b.AddNode(e), SnapshotRecordKind.Nodes));
        steps.Add(new(KubeResource.Services, null, false, (b, e) => b.AddService(e), SnapshotRecordKind.Services));
        return steps;
    }
}
