using Microsoft.AspNetCore.Http;

namespace IpamCleanup.Sandbox;

/// <summary>
/// The single catch-all request handler: admin calls go to <see cref="AdminEndpoints"/>; API calls are
/// authenticated, then (for resources) delayed, fault-injected, authorized, executed and counted.
/// </summary>
internal sealed class ApiRequestHandler
{
    private readonly SandboxServer _server;
    private readonly DiscoveryDocuments _discovery;
    private readonly ResourceHandler _resources;
    private readonly AdminEndpoints _admin;

    public ApiRequestHandler(SandboxServer server)
    {
        _server = server;
        _discovery = new DiscoveryDocuments(server.Store.Catalog);
        _resources = new ResourceHandler(server.Store);
        _admin = new AdminEndpoints(server);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith(AdminEndpoints.Prefix, StringComparison.Ordinal))
        {
            await _admin.HandleAsync(context).ConfigureAwait(false);
            return;
        }

        _server.Writes.RecordRequest();
        var dropConnection = false;
        ApiResponse response;
        try
        {
            var user = Authenticate(context.Request);
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var resource = ResourcePath.Parse(_server.Store.Catalog, segments);
            if (resource is null)
            {
                response = Discovery(context.Request.Method, path);
            }
            else
            {
                (response, dropConnection) = await ResourceAsync(context, resource, user).ConfigureAwait(false);
            }
        }
        catch (SandboxApiException e)
        {
            response = ApiResponse.Error(e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A sandbox bug still answers with a Status, so clients report it instead of hanging on a bare 500.
            response = ApiResponse.Error(ApiErrors.InternalError(e.GetType().Name + ": " + e.Message));
        }

        await ResponseWriter.WriteAsync(context, response, dropConnection).ConfigureAwait(false);
    }

    private async Task<(ApiResponse Response, bool Drop)> ResourceAsync(HttpContext context, ResourcePath resource, string user)
    {
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var verb = ResourceHandler.VerbOf(context.Request.Method, resource, query);
        var isWrite = ResourceHandler.IsWrite(verb);
        if (isWrite)
        {
            _server.Writes.RecordAttempt(verb, resource.RbacResource);
        }

        var body = await RequestBody.ReadAsync(context.Request).ConfigureAwait(false);
        var fault = _server.Faults.Decide(isWrite, query.ContainsKey("continue"));
        if (fault.LatencyMs > 0)
        {
            await Task.Delay(fault.LatencyMs, context.RequestAborted).ConfigureAwait(false);
        }

        try
        {
            ThrowInjected(fault, resource);
            Authorize(verb, resource, user);
            var asTable = TableWriter.Wants(context.Request.Headers.Accept.ToString());
            var response = _resources.Handle(new ApiRequest(verb, resource, query, body, context.Request.ContentType, asTable));
            if (response.AppliedWrite)
            {
                _server.Writes.RecordApplied(verb, resource.RbacResource);
            }

            return (response, fault.DropConnection);
        }
        catch (SandboxApiException e)
        {
            return (ApiResponse.Error(e), fault.DropConnection);
        }
    }

    private static void ThrowInjected(FaultDecision fault, ResourcePath resource)
    {
        switch (fault.Kind)
        {
            case FaultKind.TooManyRequests:
                throw ApiErrors.TooManyRequests(fault.RetryAfterSeconds);
            case FaultKind.InternalError:
                throw ApiErrors.InternalError();
            case FaultKind.ServiceUnavailable:
                throw ApiErrors.ServiceUnavailable();
            case FaultKind.Conflict:
                throw ApiErrors.Modified(resource.Type, resource.Name ?? "");
            case FaultKind.ExpiredContinue:
                throw ApiErrors.Expired();
        }
    }

    /// <summary>
    /// The configured bearer token is user "sandbox"; any other token is 401. No Authorization header at
    /// all is "system:anonymous" (when allowed), because kubectl never sends a token to an http:// server.
    /// </summary>
    private string Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0 && _server.AllowAnonymous)
        {
            return ApiErrors.AnonymousUser;
        }

        return header == "Bearer " + _server.Token ? ApiErrors.SandboxUser : throw ApiErrors.Unauthorized();
    }

    private void Authorize(string verb, ResourcePath resource, string user)
    {
        if (_server.Rbac is { } rbac && !rbac.Allows(verb, resource.RbacResource, resource.Type.Group))
        {
            throw ApiErrors.Forbidden(resource.Type, verb, resource.RbacResource, resource.Namespace, resource.Name, user);
        }
    }

    private ApiResponse Discovery(string method, string path)
    {
        if (method != "GET")
        {
            throw ApiErrors.MethodNotAllowed(method);
        }

        var trimmed = path.Trim('/');
        if (trimmed is "healthz" or "readyz" or "livez")
        {
            return ApiResponse.Text(200, "ok");
        }

        return _discovery.Find(trimmed) is { } document ? ApiResponse.Json(200, document) : throw ApiErrors.NotFoundPath();
    }
}
