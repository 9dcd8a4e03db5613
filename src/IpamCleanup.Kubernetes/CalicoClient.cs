using IpamCleanup.Core;
using k8s.Exceptions;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// A connection to one cluster's Calico datastore (Kubernetes API): snapshot reads, single-object reads and
/// compare-and-swap writes. Thread-safe; dispose when done.
/// </summary>
public sealed partial class CalicoClient : IDisposable
{
    private readonly k8s.Kubernetes _kubernetes;
    private readonly ApiTransport _transport;
    private readonly PagedLister _lister;

    private CalicoClient(k8s.Kubernetes kubernetes, ApiTransport transport, CalicoResources resources, bool migrationApiServed)
    {
        _kubernetes = kubernetes;
        _transport = transport;
        _lister = new PagedLister(transport);
        Resources = resources;
        MigrationApiServed = migrationApiServed;
    }

    /// <summary>The kubeconfig context in use ("in-cluster" for a service account).</summary>
    public string ContextName => _transport.ContextName;

    /// <summary>The API server URL (without any user information).</summary>
    public string Server => _transport.Server;

    public CalicoApiLayout ApiLayout => Resources.Layout;

    /// <summary>Group, version and plural of every Calico kind in this cluster's layout.</summary>
    public CalicoResources Resources { get; }

    /// <summary>True when <c>migration.projectcalico.org/v1</c> (DatastoreMigration, v3.32+) is served.</summary>
    public bool MigrationApiServed { get; }

    /// <summary>HTTP requests sent so far, retries included.</summary>
    public long RequestCount => _transport.RequestCount;

    /// <summary>Verbose messages: each request with status and duration, retries, layout. Never headers or credentials.</summary>
    public Action<string>? Log
    {
        get => _transport.Log;
        set => _transport.Log = value;
    }

    /// <summary>
    /// Loads the kubeconfig (or in-cluster config), connects and detects the Calico API layout with <c>GET /apis</c>.
    /// </summary>
    /// <exception cref="IpamCleanupException">
    /// KubeConfigNotFound, KubeConfigInvalid, KubeContextNotFound, ApiServerUnreachable, ApiServerUnauthorized,
    /// ApiServerForbidden, CalicoNotInstalled or ApiServerError.
    /// </exception>
    public static Task<CalicoClient> ConnectAsync(KubeConnectionOptions options, CancellationToken cancellationToken = default) =>
        ConnectAsync(options, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary>As <see cref="ConnectAsync(KubeConnectionOptions, CancellationToken)"/>, reading environment variables through <paramref name="environment"/>.</summary>
    internal static async Task<CalicoClient> ConnectAsync(KubeConnectionOptions options, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var forcedGroup = ValidateOptions(options);
        var loaded = await KubeConfigLoader.LoadAsync(options, environment, cancellationToken).ConfigureAwait(false);
        k8s.Kubernetes kubernetes;
        try
        {
            kubernetes = new k8s.Kubernetes(loaded.Configuration);
        }
        catch (Exception e) when (e is KubeConfigException or FormatException or IOException or
                                      System.Security.Cryptography.CryptographicException or InvalidOperationException or ArgumentException)
        {
            throw loaded.Errors.ConfigInvalid($"The credentials or certificates of context '{loaded.ContextName}' could not be loaded: {e.Message}", loaded.ContextName);
        }

        try
        {
            var transport = new ApiTransport(kubernetes.HttpClient, kubernetes.Credentials, kubernetes.BaseUri, loaded.Configuration.TlsServerName, loaded.ContextName, options, loaded.Errors);
            var request = new ApiRequest(HttpMethod.Get, "/apis", "get", "/apis");
            ApiDiscovery discovery;
            using (var response = await transport.SendExpectingSuccessAsync(request, cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    discovery = ApiDiscovery.Parse(response.Body.Span);
                }
                catch (System.Text.Json.JsonException e)
                {
                    throw transport.Errors.Create(KubeErrorIds.ApiServerError, "InvalidResult",
                        $"{transport.Server} (context '{transport.ContextName}') answered GET /apis with something that is not a Kubernetes API group list: {e.Message}",
                        "Check that the kubeconfig's server URL points at a Kubernetes API server.", transport.Server);
                }
            }

            var layout = discovery.SelectLayout(forcedGroup) ?? throw transport.Errors.Create(KubeErrorIds.CalicoNotInstalled, "ObjectNotFound",
                forcedGroup is null
                    ? $"Calico is not installed in the cluster of context '{transport.ContextName}' ({transport.Server}): neither {CalicoResources.ClassicGroup} nor {CalicoResources.NativeGroup} is served."
                    : $"The API group {forcedGroup} is not served by the cluster of context '{transport.ContextName}' ({transport.Server}).",
                forcedGroup is null
                    ? "Check that this is the right context, and that Calico runs with the Kubernetes datastore (KDD)."
                    : "Leave the API group unset to detect it, or name the group the cluster serves.",
                transport.ContextName);
            var resources = CalicoResources.For(layout);
            transport.Write($"Context '{transport.ContextName}' ({transport.Server}): Calico IPAM objects in {resources.ApiVersion} (layout {layout}).");
            return new CalicoClient(kubernetes, transport, resources, discovery.MigrationServed);
        }
        catch
        {
            kubernetes.Dispose();
            throw;
        }
    }

    public void Dispose() => _kubernetes.Dispose();

    public override string ToString() => $"{ContextName} ({Server}, {Resources.ApiVersion})";

    private static string? ValidateOptions(KubeConnectionOptions options)
    {
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestTimeout, "RequestTimeout must be positive.");
        }

        if (options.MaxRetries < 0 || options.MaxListRestarts < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxRetries and MaxListRestarts cannot be negative.");
        }

        if (options.PageSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PageSize, "PageSize must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiGroup))
        {
            return null;
        }

        return CalicoResources.ParseGroupSetting(options.ApiGroup, out _)
            ?? throw new ArgumentException($"ApiGroup must be '{CalicoResources.ClassicGroup}' or '{CalicoResources.NativeGroup}', not '{options.ApiGroup}'.", nameof(options));
    }
}
