using System.Text.Json;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// The list-level fields of a LIST response (apiVersion, kind, metadata.continue), read with a forward-only scan that
/// stops at <c>items</c> when the metadata came first, as the API server writes it, so the next page can be requested
/// before this one is parsed.
/// </summary>
internal readonly record struct ListEnvelope(string? ApiVersion, string? Kind, string? Continue)
{
    /// <summary>The kind of the items: "PodList" → "Pod".</summary>
    public string? ItemKind => Kind is { Length: > 4 } k && k.EndsWith("List", StringComparison.Ordinal) ? k[..^4] : null;

    public static ListEnvelope Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A LIST response is not a JSON object.");
        }

        string? apiVersion = null, kind = null, continueToken = null;
        var metadataSeen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("items"u8) && metadataSeen && apiVersion is not null && kind is not null)
            {
                break;
            }

            if (reader.ValueTextEquals("apiVersion"u8))
            {
                reader.Read();
                apiVersion = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                kind = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                metadataSeen = true;
                continueToken = ReadContinue(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ListEnvelope(apiVersion, kind, string.IsNullOrEmpty(continueToken) ? null : continueToken);
    }

    private static string? ReadContinue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContinue = reader.ValueTextEquals("continue"u8);
            reader.Read();
            if (isContinue && reader.TokenType == JsonTokenType.String)
            {
                value = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return value;
    }
}
