using System.Text.Json;
using IpamCleanup.Core.Json;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// Forward-only reading of a LIST page's items for the record extractors. Mirrors <see cref="JsonElement"/> lookups:
/// the last occurrence of a property wins, and a value of the wrong JSON type reads as absent.
/// </summary>
internal static class ListItemReader
{
    /// <summary>Reads one item; the reader is on its StartObject and must end on its EndObject. Null skips the item.</summary>
    public delegate T? ItemReader<T>(ref Utf8JsonReader reader)
        where T : class;

    public static List<T> ReadItems<T>(ReadOnlySpan<byte> page, ItemReader<T> readItem)
        where T : class
    {
        var records = new List<T>();
        var reader = new Utf8JsonReader(page, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A LIST response is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isItems = reader.ValueTextEquals("items"u8);
            reader.Read();
            if (!isItems || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                if (readItem(ref reader) is { } record)
                {
                    records.Add(record);
                }
            }
        }

        return records;
    }

    /// <summary>Moves to the property's value and returns it when it is a string; any other value is skipped and reads as null.</summary>
    public static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>Moves to the property's value: a JSON boolean or a Go <c>strconv.ParseBool</c> string; otherwise null.</summary>
    public static bool? ReadBool(ref Utf8JsonReader reader)
    {
        reader.Read();
        bool? value = reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.String => GoBool.TryParse(reader.GetString(), out var parsed) ? parsed : null,
            _ => null,
        };
        reader.Skip();
        return value;
    }

    /// <summary>Moves to the property's value and skips it.</summary>
    public static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }
}
