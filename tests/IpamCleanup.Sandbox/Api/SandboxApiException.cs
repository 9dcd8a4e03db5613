using System.Text.Json;

namespace IpamCleanup.Sandbox;

/// <summary>
/// A failed API call, carrying exactly what the API server would put in its <c>Status</c> body.
/// The in-process store throws it too, so tests see the same reasons as HTTP clients.
/// </summary>
public sealed class SandboxApiException : Exception
{
    public SandboxApiException(int code, string reason, string message, ResourceType? type = null, string? name = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Type = type;
        Name = name;
    }

    /// <summary>HTTP status code, also <c>Status.code</c>.</summary>
    public int Code { get; }

    /// <summary><c>Status.reason</c>, e.g. <c>Conflict</c>, <c>AlreadyExists</c>, <c>NotFound</c>.</summary>
    public string Reason { get; }

    public ResourceType? Type { get; }

    public string? Name { get; }

    public int? RetryAfterSeconds { get; init; }

    public byte[] ToStatusJson()
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonDefaults.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", "Status");
            writer.WriteString("apiVersion", "v1");
            writer.WriteStartObject("metadata");
            writer.WriteEndObject();
            writer.WriteString("status", "Failure");
            writer.WriteString("message", Message);
            writer.WriteString("reason", Reason);
            if (Type is not null || Name is not null || RetryAfterSeconds is not null)
            {
                writer.WriteStartObject("details");
                if (Name is not null)
                {
                    writer.WriteString("name", Name);
                }

                if (Type is not null)
                {
                    if (Type.Group.Length > 0)
                    {
                        writer.WriteString("group", Type.Group);
                    }

                    // The API server puts the resource plural here, not the Kind.
                    writer.WriteString("kind", Type.Plural);
                }

                if (RetryAfterSeconds is { } seconds)
                {
                    writer.WriteNumber("retryAfterSeconds", seconds);
                }

                writer.WriteEndObject();
            }

            writer.WriteNumber("code", Code);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
