using System.Management.Automation;
using IpamCleanup.Core;
using IpamCleanup.Kubernetes;

namespace IpamCleanup.Commands;

/// <summary>
/// Base of every cmdlet that talks to a cluster: -KubeConfig, -Context and -ApiGroup, resolved the way kubectl does.
/// Configuration errors (no kubeconfig, unknown context, unreachable or forbidden API server, no Calico) terminate.
/// </summary>
public abstract class CalicoCmdlet : AsyncCmdlet
{
    private CalicoClient? _client;
    private string? _connectedWith;

    /// <summary>Kubeconfig file(s); default $KUBECONFIG (several files merged, as kubectl does), else ~/.kube/config.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? KubeConfig { get; set; }

    /// <summary>Kubeconfig context; default: the current context.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>
    /// Overrides the detected Calico API group. Without it, the CALICO_API_GROUP environment variable (as Calico's own
    /// components read it: <c>crd.projectcalico.org/v1</c> or <c>projectcalico.org/v3</c>) is used when set, and
    /// otherwise the group is detected from the API server.
    /// </summary>
    [Parameter]
    [ValidateSet(CalicoResources.ClassicGroup, CalicoResources.NativeGroup)]
    public string? ApiGroup { get; set; }

    /// <summary>The connected client; connects on first use with the parameters bound at that moment.</summary>
    protected CalicoClient Client
    {
        get
        {
            var key = (KubeConfig ?? "") + "\n" + (Context ?? "") + "\n" + (EffectiveApiGroup ?? "");
            if (_client is not null)
            {
                if (_connectedWith != key)
                {
                    ThrowTerminatingError(NewError("ConnectionChangedInPipeline", ErrorCategory.InvalidArgument,
                        "The pipeline input names a different kubeconfig or context than the objects before it; one run works on one cluster.",
                        "Run the cmdlet once per cluster (filter the input by Context).", Context));
                }

                return _client;
            }

            _client = Connect();
            _connectedWith = key;
            return _client;
        }
    }

    /// <summary>The environment variable Calico's components read to choose their API group.</summary>
    public const string ApiGroupVariable = "CALICO_API_GROUP";

    /// <summary>
    /// -ApiGroup, else CALICO_API_GROUP (group with or without its version), else null for detection. A value that
    /// names neither Calico group is a terminating error: guessing would read or write the wrong resources.
    /// </summary>
    protected string? EffectiveApiGroup
    {
        get
        {
            if (!string.IsNullOrEmpty(ApiGroup))
            {
                return ApiGroup;
            }

            var value = Environment.GetEnvironmentVariable(ApiGroupVariable)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                return null;
            }

            // Unlike -ApiGroup, the variable may carry a version; it must be the group's own.
            var group = CalicoResources.ParseGroupSetting(value, out var version);
            if (group is null || (version is not null && CalicoResources.ApiVersionOf(group) != group + "/" + version))
            {
                ThrowTerminatingError(NewError("ApiGroupInvalid", ErrorCategory.InvalidArgument,
                    $"The environment variable {ApiGroupVariable} is '{value}', which names neither Calico API group.",
                    $"Set {ApiGroupVariable} to '{CalicoResources.ClassicGroup}/v1' or '{CalicoResources.NativeGroup}/v3', or remove it to detect the group, or pass -ApiGroup.",
                    value));
            }

            return group;
        }
    }

    /// <summary>"context 'x' (server https://...)": names the cluster in every ShouldProcess target and message.</summary>
    protected string ClusterLabel => $"context '{Client.ContextName}' (server {Client.Server})";

    private CalicoClient Connect()
    {
        var options = new KubeConnectionOptions
        {
            KubeConfigPath = ResolveKubeConfigPaths(KubeConfig),
            Context = Context,
            ApiGroup = EffectiveApiGroup,
        };
        try
        {
            var client = RunSync(ct => CalicoClient.ConnectAsync(options, ct));
            client.Log = QueueVerbose;
            WriteVerbose($"Connected to {client.ContextName} at {client.Server}; Calico API {client.Resources.ApiVersion} (layout {client.ApiLayout}).");
            return client;
        }
        catch (IpamCleanupException e)
        {
            ThrowTerminatingError(ToErrorRecord(e, KubeConfig ?? Context));
            throw;
        }
    }

    /// <summary>Relative paths are relative to the PowerShell location, not the process directory.</summary>
    private string? ResolveKubeConfigPaths(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        var parts = value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(Path.PathSeparator, parts.Select(p => GetUnresolvedProviderPathFromPSPath(p)));
    }

    /// <summary>Runs core work and turns its IpamCleanupException into a terminating error with the same ErrorId.</summary>
    protected T RunOrTerminate<T>(Func<CancellationToken, Task<T>> work, object? target = null)
    {
        try
        {
            return RunSync(work);
        }
        catch (IpamCleanupException e)
        {
            ThrowTerminatingError(ToErrorRecord(e, target));
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _client?.Dispose();
        }

        base.Dispose(disposing);
    }
}
