using System.Text;
using System.Text.Json;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// Writes a kubectl <c>v1 List</c>, one object per line, copying each object's bytes exactly as the API sent them
/// and adding <c>apiVersion</c>/<c>kind</c> (taken from the list) to items that lack them, as kubectl does.
/// </summary>
internal sealed class ListFileWriter
{
    private static readonly byte[] Header = """{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":["""u8.ToArray();
    private static readonly byte[] Footer = "\n]}\n"u8.ToArray();

    private readonly Stream _stream;
    private bool _any;

    public ListFileWriter(Stream stream)
    {
        _stream = stream;
        _stream.Write(Header);
    }

    /// <summary>Writes a complete object (a GET response); returns 1.</summary>
    public long WriteObject(JsonElement element)
    {
        Separator();
        using var writer = new Utf8JsonWriter(_stream);
        element.WriteTo(writer);
        writer.Flush();
        return 1;
    }

    /// <summary>Writes the not-yet-delivered items of a LIST page; returns how many.</summary>
    public long WritePage(ListPage page)
    {
        var apiVersion = page.Envelope.ApiVersion;
        var kind = page.Envelope.ItemKind;
        var body = page.Body.Span;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        if (!MoveToItems(ref reader))
        {
            return 0;
        }

        long written = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var item = ScanItem(ref reader);
            if (!page.Seen.FirstTime(item.Uid, item.Namespace, item.Name))
            {
                continue;
            }

            Separator();
            var raw = body[item.Start..item.End];
            var prefix = new StringBuilder();
            if (!item.HasApiVersion && apiVersion is not null)
            {
                prefix.Append("\"apiVersion\":").Append(JsonSerializer.Serialize(apiVersion)).Append(',');
            }

            if (!item.HasKind && kind is not null)
            {
                prefix.Append("\"kind\":").Append(JsonSerializer.Serialize(kind)).Append(',');
            }

            if (prefix.Length == 0)
            {
                _stream.Write(raw);
            }
            else
            {
                var rest = raw[1..];
                if (rest.TrimStart(" \t\r\n"u8).StartsWith("}"u8))
                {
                    prefix.Length--;
                }

                _stream.WriteByte((byte)'{');
                _stream.Write(Encoding.UTF8.GetBytes(prefix.ToString()));
                _stream.Write(rest);
            }

            written++;
        }

        return written;
    }

    public void Finish() => _stream.Write(Footer);

    private void Separator()
    {
        _stream.Write(_any ? ",\n"u8 : "\n"u8);
        _any = true;
    }

    private static bool MoveToItems(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A LIST response is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isItems = reader.ValueTextEquals("items"u8);
            reader.Read();
            if (isItems)
            {
                return reader.TokenType == JsonTokenType.StartArray;
            }

            reader.Skip();
        }

        return false;
    }

    /// <summary>Reads one item (the reader is on its StartObject) and leaves the reader on its EndObject.</summary>
    private static RawItem ScanItem(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        bool hasApiVersion = false, hasKind = false;
        string? uid = null, ns = null, name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("apiVersion"u8))
            {
                hasApiVersion = true;
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                hasKind = true;
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var field = reader.ValueTextEquals("uid"u8) ? 1 : reader.ValueTextEquals("name"u8) ? 2 : reader.ValueTextEquals("namespace"u8) ? 3 : 0;
                        reader.Read();
                        if (field != 0 && reader.TokenType == JsonTokenType.String)
                        {
                            var value = reader.GetString();
                            _ = field == 1 ? uid = value : field == 2 ? name = value : ns = value;
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }

                continue;
            }

            reader.Read();
            reader.Skip();
        }

        return new RawItem(start, (int)reader.BytesConsumed, hasApiVersion, hasKind, uid, ns, name);
    }

    private readonly record struct RawItem(int Start, int End, bool HasApiVersion, bool HasKind, string? Uid, string? Namespace, string? Name);
}
