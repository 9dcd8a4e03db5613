namespace IpamCleanup.Sandbox;

/// <summary>The API server's error vocabulary, with its messages worded as kubectl users see them.</summary>
public static class ApiErrors
{
    /// <summary>The user the configured bearer token authenticates as.</summary>
    public const string SandboxUser = "sandbox";

    /// <summary>The user of requests without credentials.</summary>
    public const string AnonymousUser = "system:anonymous";

    public static SandboxApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedName} \"{name}\" not found", type, name);

    public static SandboxApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedName} \"{name}\" already exists", type, name);

    public static SandboxApiException Modified(ResourceType type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            type, name);

    public static SandboxApiException PreconditionFailed(ResourceType type, string name, string what, string expected, string actual) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": Precondition failed: {what} in precondition: {expected}, {what} in object meta: {actual}",
            type, name);

    public static SandboxApiException Invalid(ResourceType type, string name, string field, string detail) =>
        new(422, "Invalid", $"{type.Kind} \"{name}\" is invalid: {field}: {detail}", type, name);

    public static SandboxApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static SandboxApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static SandboxApiException Forbidden(ResourceType type, string verb, string resource, string? ns, string? name, string user = SandboxUser)
    {
        var subject = name is null ? type.QualifiedName : $"{type.QualifiedName} \"{name}\"";
        var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        return new(403, "Forbidden",
            $"{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{type.Group}\" {scope}",
            type, name);
    }

    public static SandboxApiException MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})");

    public static SandboxApiException NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource");

    public static SandboxApiException UnsupportedMediaType(string? contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json (got {contentType ?? "none"})");

    public static SandboxApiException Expired() =>
        new(410, "Expired",
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");

    public static SandboxApiException TooManyRequests(int retryAfterSeconds) =>
        new(429, "TooManyRequests", "Too many requests, please try again later.") { RetryAfterSeconds = retryAfterSeconds };

    public static SandboxApiException InternalError(string detail = "injected by the sandbox") =>
        new(500, "InternalError", "Internal error occurred: " + detail);

    public static SandboxApiException ServiceUnavailable() =>
        new(503, "ServiceUnavailable", "the server is currently unable to handle the request (injected by the sandbox)");
}
