using System.Text.Json;

namespace IpamCleanup.Kubernetes;

/// <summary>The parts of a Kubernetes <c>Status</c> error body worth showing: reason, message and code.</summary>
internal sealed record KubeStatus(int Code, string? Reason, string? Message)
{
    /// <summary>Parses a Status body; falls back to a short text excerpt when the body is not a Status.</summary>
    internal static KubeStatus Parse(int code, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return new KubeStatus(code, null, null);
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                string? reason = null;
                string? message = null;
                var isStatus = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString();
                    reader.Read();
                    switch (name)
                    {
                        case "kind" when reader.TokenType == JsonTokenType.String:
                            isStatus = reader.ValueTextEquals("Status"u8);
                            break;
                        case "reason" when reader.TokenType == JsonTokenType.String:
                            reason = reader.GetString();
                            break;
                        case "message" when reader.TokenType == JsonTokenType.String:
                            message = reader.GetString();
                            break;
                        default:
                            reader.Skip();
                            break;
                    }
                }

                if (isStatus || reason is not null || message is not null)
                {
                    return new KubeStatus(code, reason, message);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: proxies and load balancers answer with HTML or plain text.
        }

        var text = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)]).ReplaceLineEndings(" ").Trim();
        return new KubeStatus(code, null, text.Length == 0 ? null : text);
    }

    public override string ToString() =>
        Message is null ? $"{Code} {Reason}".Trim() : $"{Code} {Reason}: {Message}".Replace("  ", " ", StringComparison.Ordinal);
}
