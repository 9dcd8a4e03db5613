using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace IpamCleanup.Sandbox;

/// <summary>
/// <c>/sandbox/*</c>: control of a sandbox running as a separate process (Pester tests, demos).
/// Not subject to the token, RBAC or faults, and not counted.
/// </summary>
internal sealed class AdminEndpoints
{
    public const string Prefix = "/sandbox/";

    private readonly SandboxServer _server;

    public AdminEndpoints(SandboxServer server) => _server = server;

    public async Task HandleAsync(HttpContext context)
    {
        ApiResponse response;
        try
        {
            var body = await RequestBody.ReadAsync(context.Request).ConfigureAwait(false);
            response = Handle(context.Request.Method, context.Request.Path.Value![Prefix.Length..].TrimEnd('/'), body);
        }
        catch (SandboxApiException e)
        {
            response = ApiResponse.Error(e);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            response = ApiResponse.Error(ApiErrors.BadRequest(e.Message));
        }

        await ResponseWriter.WriteAsync(context, response, dropConnection: false).ConfigureAwait(false);
    }

    private ApiResponse Handle(string method, string action, byte[] body)
    {
        switch (method, action)
        {
            case ("GET", "stats"):
                return ApiResponse.Json(Stats());
            case ("POST", "reset-stats"):
                _server.Writes.Reset();
                return ApiResponse.Json(Stats());
            case ("GET", "faults"):
                return ApiResponse.Json(_server.Faults.ToJson());
            case ("POST", "faults"):
                _server.Faults.CopyFrom(FaultSettings.FromJson(ParseObject(body)));
                return ApiResponse.Json(_server.Faults.ToJson());
            case ("GET", "rbac"):
                return ApiResponse.Json(Rbac());
            case ("POST", "rbac"):
                // A lone string (what ConvertTo-Json may make of a one-rule list) is read as comma-separated rules.
                _server.Rbac = ParseObject(body)["allow"] switch
                {
                    JsonArray rules => new RbacPolicy(rules.Select(r => r?.GetValue<string>() ?? "")),
                    JsonValue rule => RbacPolicy.Parse(rule.GetValue<string>()),
                    _ => null,
                };
                return ApiResponse.Json(Rbac());
            case ("GET", "dump"):
                return new ApiResponse(200, _server.Store.ListSegments().ToList());
            case ("POST", "seed"):
                _server.Store.SeedFromList(body);
                return ApiResponse.Json(new JsonObject { ["resourceVersion"] = _server.Store.ResourceVersion });
            case ("POST", "clear"):
                _server.Store.Clear();
                return ApiResponse.Json(new JsonObject { ["resourceVersion"] = _server.Store.ResourceVersion });
            case ("POST", "expire-continue"):
                _server.Store.ExpireContinueTokens();
                return ApiResponse.Json(new JsonObject { ["resourceVersion"] = _server.Store.ResourceVersion });
            case ("GET", "cni"):
                return ApiResponse.Json(CniStatus());
            case ("POST", "cni"):
                ControlCni(ParseObject(body));
                return ApiResponse.Json(CniStatus());
            default:
                throw ApiErrors.NotFoundPath();
        }
    }

    private JsonObject Stats() => new()
    {
        ["writes"] = ToJson(_server.Writes.Snapshot()),
        ["totalWrites"] = _server.Writes.Total,
        ["attemptedWrites"] = ToJson(_server.Writes.AttemptedSnapshot()),
        ["totalAttemptedWrites"] = _server.Writes.AttemptedTotal,
        ["requests"] = _server.Writes.Requests,
        ["resourceVersion"] = _server.Store.ResourceVersion,
    };

    private JsonObject Rbac() => new()
    {
        ["allow"] = _server.Rbac is { } rbac ? new JsonArray(rbac.Allowed.Order(StringComparer.Ordinal).Select(r => (JsonNode)r).ToArray()) : null,
    };

    private void ControlCni(JsonObject request)
    {
        if (request["stop"]?.GetValue<bool>() == true)
        {
            _server.StopCni();
            return;
        }

        var rate = request["ratePerSecond"]?.GetValue<double>() ?? 10;
        var seed = request["seed"]?.GetValue<int>();
        _server.StartCni(new CniSimulatorOptions { RatePerSecond = rate, Seed = seed });
    }

    private JsonObject CniStatus()
    {
        var cni = _server.Cni;
        return new JsonObject
        {
            ["running"] = cni?.IsRunning ?? false,
            ["adds"] = cni?.Adds ?? 0,
            ["deletes"] = cni?.Deletes ?? 0,
            ["conflicts"] = cni?.Conflicts ?? 0,
            ["live"] = cni is null ? new JsonObject() : ToJson(cni.LiveAddresses()),
        };
    }

    private static JsonObject ToJson<T>(IReadOnlyDictionary<string, T> values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values)
        {
            result[key] = JsonValue.Create(value);
        }

        return result;
    }

    private static JsonObject ParseObject(byte[] body) =>
        body.Length == 0 ? [] : JsonNode.Parse(body) as JsonObject ?? throw ApiErrors.BadRequest("expected a JSON object");
}
