using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Kubernetes;

public sealed partial class CalicoClient
{
    /// <summary>GET one Calico object, whole and unmodified; null when it does not exist.</summary>
    public Task<JsonObject?> GetAsync(CalicoKind kind, string name, CancellationToken cancellationToken = default) =>
        GetObjectAsync(Resources[kind], name, null, cancellationToken);

    /// <summary>GET ClusterInformation <c>default</c> (the datastore lock lives in <c>spec.datastoreReady</c>).</summary>
    public Task<JsonObject?> GetClusterInformationAsync(CancellationToken cancellationToken = default) =>
        GetAsync(CalicoKind.ClusterInformation, CalicoResources.SingletonName, cancellationToken);

    /// <summary>GET any object; null on 404.</summary>
    public async Task<JsonObject?> GetObjectAsync(KubeResource resource, string name, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var request = new ApiRequest(HttpMethod.Get, resource.ObjectPath(name, @namespace), "get", resource.QualifiedName, Target: Qualify(name, @namespace));
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == 404)
        {
            return null;
        }

        if (!response.IsSuccess)
        {
            throw _transport.ToException(request, response);
        }

        return ParseObject(request, response);
    }

    /// <summary>The pod as the leak analysis sees it, read now (for re-validation right before a write); null when gone.</summary>
    public async Task<PodInfo?> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        var pod = await GetElementAsync(KubeResource.Pods, name, @namespace, cancellationToken).ConfigureAwait(false);
        return pod is { } element ? SlimParser.Pod(element, Resources.ApiVersion) : null;
    }

    /// <summary>The node (with its Calico tunnel annotations), read now; null when gone.</summary>
    public async Task<NodeInfo?> GetNodeAsync(string name, CancellationToken cancellationToken = default)
    {
        var node = await GetElementAsync(KubeResource.Nodes, name, null, cancellationToken).ConfigureAwait(false);
        return node is { } element ? SlimParser.Node(element, Resources.ApiVersion) : null;
    }

    /// <summary>The service, reduced to its LoadBalancer addresses, read now; null when gone.</summary>
    public async Task<ServiceInfo?> GetServiceAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        var service = await GetElementAsync(KubeResource.Services, name, @namespace, cancellationToken).ConfigureAwait(false);
        return service is { } element ? SlimParser.Service(element, Resources.ApiVersion) : null;
    }

    /// <summary>
    /// Paged LIST of a Calico kind. <paramref name="onItem"/> gets each object once; the element is only valid during
    /// the call (clone it to keep it). Returns the number of objects delivered.
    /// </summary>
    public Task<long> ListAsync(CalicoKind kind, Action<JsonElement> onItem, CancellationToken cancellationToken = default) =>
        ListAsync(Resources[kind], onItem, cancellationToken);

    /// <summary>Paged LIST of any cluster-wide collection (namespaced resources: all namespaces).</summary>
    public Task<long> ListAsync(KubeResource resource, Action<JsonElement> onItem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(onItem);
        return _lister.ListAsync(resource, ParsePage, (page, document) => ForEachItem(page, document, onItem), notFoundIsEmpty: false, parallelism: 1, cancellationToken);
    }

    private static JsonDocument ParsePage(ListPage page) => JsonDocument.Parse(page.Body);

    /// <summary>Hands each not-yet-delivered item of a parsed page to <paramref name="onItem"/>; returns how many.</summary>
    private static long ForEachItem(ListPage page, JsonDocument document, Action<JsonElement> onItem)
    {
        if (!document.RootElement.TryGetProperty("items"u8, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        long count = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (page.Seen.FirstTime(item))
            {
                onItem(item);
                count++;
            }
        }

        return count;
    }

    private async Task<JsonElement?> GetElementAsync(KubeResource resource, string name, string? @namespace, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Get, resource.ObjectPath(name, @namespace), "get", resource.QualifiedName, Target: Qualify(name, @namespace));
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == 404)
        {
            return null;
        }

        if (!response.IsSuccess)
        {
            throw _transport.ToException(request, response);
        }

        try
        {
            using var document = JsonDocument.Parse(response.Body.Memory);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Malformed(request, e);
        }
    }

    private JsonObject ParseObject(ApiRequest request, ApiResponse response)
    {
        try
        {
            return JsonNode.Parse(response.Body.Span) as JsonObject ?? throw new JsonException("The body is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw Malformed(request, e);
        }
    }

    private Core.IpamCleanupException Malformed(ApiRequest request, JsonException e) =>
        _transport.Errors.Create(KubeErrorIds.ApiServerError, "InvalidResult",
            $"The API server {Server} answered {request.Describe()} with malformed JSON: {e.Message}",
            "Check what sits between you and the API server (proxy); run again with -Verbose.", request.Target ?? request.Resource, e);

    private static string Qualify(string name, string? @namespace) => string.IsNullOrEmpty(@namespace) ? name : @namespace + "/" + name;
}
