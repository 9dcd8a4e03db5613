using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>GET, LIST, POST, PUT, PATCH and DELETE on the store, answered the way the API server answers them.</summary>
internal sealed class ResourceHandler
{
    private static readonly byte[] Comma = ","u8.ToArray();
    private static readonly byte[] ListEnd = "]}"u8.ToArray();
    private readonly SandboxStore _store;

    public ResourceHandler(SandboxStore store) => _store = store;

    public static string VerbOf(string method, ResourcePath path, IReadOnlyDictionary<string, string> query) => (method, path.Name) switch
    {
        ("GET", null) when query.TryGetValue("watch", out var watch) && watch is "true" or "1" => throw ApiErrors.MethodNotAllowed("watch"),
        ("GET", null) => "list",
        ("GET", _) => "get",
        ("POST", null) => "create",
        ("PUT", not null) => "update",
        ("PATCH", not null) => "patch",
        ("DELETE", not null) => "delete",
        _ => throw ApiErrors.MethodNotAllowed(method),
    };

    public static bool IsWrite(string verb) => verb is "create" or "update" or "patch" or "delete";

    public ApiResponse Handle(ApiRequest request) => request.Verb switch
    {
        "get" => Get(request),
        "list" => List(request),
        "create" => Create(request),
        "update" => Update(request),
        "patch" => Patch(request),
        "delete" => Delete(request),
        _ => throw ApiErrors.MethodNotAllowed(request.Verb),
    };

    private ApiResponse Get(ApiRequest request)
    {
        var path = request.Path;
        var stored = _store.GetStored(path.Type, path.Namespace, path.Name!) ?? throw ApiErrors.NotFound(path.Type, path.Name!);
        return request.AsTable
            ? ApiResponse.Json(200, TableWriter.Write(path.Type, [stored], new JsonObject { ["resourceVersion"] = stored.ResourceVersionText }))
            : ApiResponse.Json(200, stored.Json);
    }

    private ApiResponse List(ApiRequest request)
    {
        var type = request.Path.Type;
        var limit = 0;
        if (request.QueryValue("limit") is { } limitText && (!int.TryParse(limitText, out limit) || limit < 0))
        {
            throw ApiErrors.BadRequest($"invalid limit \"{limitText}\"");
        }

        ContinueToken? token = request.QueryValue("continue") is { } continueText ? ContinueToken.Decode(continueText) : null;
        var labels = request.QueryValue("labelSelector") is { } labelText ? LabelSelector.Parse(labelText) : null;
        var fields = request.QueryValue("fieldSelector") is { } fieldText ? FieldSelector.Parse(fieldText) : null;
        Func<StoredObject, bool>? filter = labels is null && fields is null
            ? null
            : item => (labels is null || labels.Matches(item.ReadLabels())) && (fields is null || fields.Matches(item));

        var page = _store.ListPage(type, request.Path.Namespace, token, limit, filter);

        // Read after the page, so the list's resourceVersion is never older than an item in it.
        var resourceVersion = token?.ResourceVersion ?? _store.ResourceVersion;
        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (page.HasMore && page.LastKey is not null)
        {
            metadata["continue"] = new ContinueToken(resourceVersion, page.LastKey).Encode();
            if (page.RemainingItemCount is { } remaining)
            {
                metadata["remainingItemCount"] = remaining;
            }
        }

        if (request.AsTable)
        {
            return ApiResponse.Json(200, TableWriter.Write(type, page.Items, metadata));
        }

        var header = $"{{\"apiVersion\":\"{type.ApiVersion}\",\"kind\":\"{type.ListKind}\",\"metadata\":{metadata.ToJsonString()},\"items\":[";
        var segments = new List<ReadOnlyMemory<byte>>(page.Items.Count * 2 + 2) { Encoding.UTF8.GetBytes(header) };
        for (var i = 0; i < page.Items.Count; i++)
        {
            if (i > 0)
            {
                segments.Add(Comma);
            }

            segments.Add(page.Items[i].Json);
        }

        segments.Add(ListEnd);
        return new ApiResponse(200, segments);
    }

    private ApiResponse Create(ApiRequest request)
    {
        RequireJson(request.ContentType);
        var stored = _store.Create(request.Path.Type, request.Path.Namespace, request.Body, request.DryRun);
        return ApiResponse.Json(201, stored.Json, appliedWrite: !request.DryRun);
    }

    private ApiResponse Update(ApiRequest request)
    {
        RequireJson(request.ContentType);
        var path = request.Path;
        Func<StoredObject, byte[]> build = path.Type.HasStatusSubresource
            ? current => Serialize(StatusSubresourceRules.Apply(SandboxStore.ToJsonObject(current.Json), ParseObject(request.Body), path.Subresource == "status"))
            : _ => request.Body;
        var stored = _store.Update(path.Type, path.Namespace, path.Name!, build, request.DryRun);
        return ApiResponse.Json(200, stored.Json, appliedWrite: !request.DryRun);
    }

    private ApiResponse Patch(ApiRequest request)
    {
        var path = request.Path;
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        Func<JsonNode, JsonNode?> apply = mediaType switch
        {
            "application/merge-patch+json" => target => MergePatch.Apply(target, ParseNode(request.Body)),
            "application/strategic-merge-patch+json" => target => StrategicMergePatch.Apply(target, ParseNode(request.Body)),
            "application/json-patch+json" => target => JsonPatch.Apply(target, ParseNode(request.Body) as JsonArray ?? throw ApiErrors.BadRequest("a JSON patch must be an array")),
            _ => throw ApiErrors.UnsupportedMediaType(request.ContentType),
        };

        var stored = _store.Update(path.Type, path.Namespace, path.Name!, current =>
        {
            var patched = apply(SandboxStore.ToJsonObject(current.Json)) as JsonObject ?? throw ApiErrors.BadRequest("the patched object is not a JSON object");
            if (path.Type.HasStatusSubresource)
            {
                patched = StatusSubresourceRules.Apply(SandboxStore.ToJsonObject(current.Json), patched, path.Subresource == "status");
            }

            return Serialize(patched);
        }, request.DryRun);
        return ApiResponse.Json(200, stored.Json, appliedWrite: !request.DryRun);
    }

    private ApiResponse Delete(ApiRequest request)
    {
        string? uid = null;
        string? resourceVersion = null;
        var dryRun = request.DryRun;
        if (request.Body.Length > 0)
        {
            var options = ParseObject(request.Body);
            uid = options["preconditions"]?["uid"]?.GetValue<string>();
            resourceVersion = options["preconditions"]?["resourceVersion"]?.GetValue<string>();
            dryRun |= options["dryRun"] is JsonArray modes && modes.Any(m => m?.GetValue<string>() == "All");
        }

        var path = request.Path;
        var removed = _store.Remove(path.Type, path.Namespace, path.Name!, uid, resourceVersion, dryRun);
        return ApiResponse.Json(200, removed.Json, appliedWrite: !dryRun);
    }

    private static void RequireJson(string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim();
        if (mediaType is not (null or "" or "application/json" or "*/*"))
        {
            throw ApiErrors.UnsupportedMediaType(contentType);
        }
    }

    private static JsonNode? ParseNode(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw ApiErrors.BadRequest("the request body is not valid JSON: " + e.Message);
        }
    }

    private static JsonObject ParseObject(byte[] body) =>
        ParseNode(body) as JsonObject ?? throw ApiErrors.BadRequest("the request body must be a JSON object");

    private static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, JsonDefaults.Options);
}
