using System.Text.Json;

namespace IpamCleanup.Sandbox;

/// <summary>Cuts the items out of a <c>List</c> document as raw bytes, so seeding never re-serializes them.</summary>
internal static class ListDocument
{
    public static List<ListItem> ReadItems(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ArgumentException("A List document must be a JSON object.");
        }

        string? apiVersion = null;
        string? kind = null;
        var ranges = new List<(int Start, int End)>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isItems = reader.ValueTextEquals("items"u8);
            var isApiVersion = reader.ValueTextEquals("apiVersion"u8);
            var isKind = reader.ValueTextEquals("kind"u8);
            reader.Read();
            if (isItems && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    ranges.Add((start, (int)reader.BytesConsumed));
                }
            }
            else if (isApiVersion && reader.TokenType == JsonTokenType.String)
            {
                apiVersion = reader.GetString();
            }
            else if (isKind && reader.TokenType == JsonTokenType.String)
            {
                kind = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        // A typed list such as PodList names its items' kind; a plain List leaves it to each item.
        var itemKind = kind is { Length: > 4 } && kind != "List" && kind.EndsWith("List", StringComparison.Ordinal) ? kind[..^4] : null;
        var itemApiVersion = itemKind is null ? null : apiVersion;
        return ranges.Select(r => new ListItem(json[r.Start..r.End], itemApiVersion, itemKind)).ToList();
    }
}
