using System.Diagnostics;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Model;
using IpamCleanup.Kubernetes;
using IpamCleanup.Kubernetes.Locking;
using IpamCleanup.Results;

namespace IpamCleanup.Commands;

/// <summary>
/// <para type="synopsis">Shows the state of a cluster's Calico datastore: API layout, version, lock, IPAM configuration and object counts.</para>
/// </summary>
/// <example>
/// <code>Get-CalicoDatastoreStatus -Context prod-eu</code>
/// <para>Shows whether the datastore is locked, who probably locked it, and how many blocks, handles and affinities exist.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "CalicoDatastoreStatus")]
[OutputType(typeof(DatastoreStatus))]
public sealed class GetCalicoDatastoreStatusCommand : CalicoCmdlet
{
    protected override void EndProcessing()
    {
        var client = Client;
        var status = RunOrTerminate(ct => ReadAsync(client, ct));
        WriteObject(status);
    }

    private async Task<DatastoreStatus> ReadAsync(CalicoClient client, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var lockState = await new DatastoreLocker(client).ReadAsync(cancellationToken).ConfigureAwait(false);
        var config = await client.GetAsync(CalicoKind.IpamConfig, CalicoResources.SingletonName, cancellationToken).ConfigureAwait(false);
        var controllers = await client.GetAsync(CalicoKind.KubeControllersConfiguration, CalicoResources.SingletonName, cancellationToken).ConfigureAwait(false);
        var counts = new long[4];
        var kinds = new[] { CalicoKind.IpamBlock, CalicoKind.IpamHandle, CalicoKind.BlockAffinity, CalicoKind.IpPool };
        for (var i = 0; i < kinds.Length; i++)
        {
            counts[i] = await client.ListAsync(kinds[i], static _ => { }, cancellationToken).ConfigureAwait(false);
        }

        QueueVerbose($"Read the datastore status in {watch.ElapsedMilliseconds} ms ({client.RequestCount} requests).");
        var info = lockState.ClusterInformation?["spec"] as JsonObject;
        var ipamConfig = config is null ? null : new IpamConfigObject(config);
        var kubeControllers = controllers is null ? null : new KubeControllersConfigurationObject(controllers);
        return new DatastoreStatus
        {
            Context = client.ContextName,
            Server = client.Server,
            ApiLayout = client.ApiLayout.ToString(),
            ApiVersion = client.Resources.ApiVersion,
            CalicoVersion = Text(info, "calicoVersion"),
            ClusterGuid = Text(info, "clusterGUID"),
            ClusterType = Text(info, "clusterType"),
            DatastoreReady = lockState.DatastoreReady switch { true => "true", false => "false", null => "missing" },
            ProbableLocker = lockState.ProbableLocker,
            LockAnnotations = lockState.LockAnnotations,
            Migrations = lockState.Migrations,
            StrictAffinity = ipamConfig?.StrictAffinity,
            MaxBlocksPerHost = ipamConfig?.MaxBlocksPerHost,
            IpCooldownSeconds = ipamConfig?.IpCooldownSeconds,
            LeakGracePeriod = kubeControllers?.LeakGracePeriod,
            BlockCount = counts[0],
            HandleCount = counts[1],
            AffinityCount = counts[2],
            PoolCount = counts[3],
        };
    }

    private static string? Text(JsonObject? spec, string name) =>
        spec?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
