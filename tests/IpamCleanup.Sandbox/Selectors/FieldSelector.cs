using System.Text.Json;

namespace IpamCleanup.Sandbox;

/// <summary>
/// A field selector (<c>metadata.name=x,status.phase!=Failed</c>). metadata.name and metadata.namespace
/// are answered from the index; other dotted paths (spec.nodeName, involvedObject.uid) are read from
/// the object's JSON, a missing field reading as "".
/// </summary>
internal sealed class FieldSelector
{
    private readonly List<(string Field, string Value, bool Equal)> _terms;

    private FieldSelector(List<(string Field, string Value, bool Equal)> terms) => _terms = terms;

    public static FieldSelector Parse(string selector)
    {
        var terms = new List<(string, string, bool)>();
        foreach (var part in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var notEqual = part.IndexOf("!=", StringComparison.Ordinal);
            if (notEqual > 0)
            {
                terms.Add((part[..notEqual].Trim(), part[(notEqual + 2)..].Trim(), false));
                continue;
            }

            var equal = part.IndexOf('=', StringComparison.Ordinal);
            if (equal <= 0)
            {
                throw ApiErrors.BadRequest($"invalid field selector: \"{part}\"");
            }

            var value = part[(equal + 1)..];
            terms.Add((part[..equal].Trim(), (value.StartsWith('=') ? value[1..] : value).Trim(), true));
        }

        return new FieldSelector(terms);
    }

    internal bool Matches(StoredObject item)
    {
        JsonDocument? document = null;
        try
        {
            foreach (var (field, value, equal) in _terms)
            {
                var actual = field switch
                {
                    "metadata.name" => item.Name,
                    "metadata.namespace" => item.Namespace ?? "",
                    _ => Read(document ??= JsonDocument.Parse(item.Json), field),
                };
                if ((actual == value) != equal)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            document?.Dispose();
        }
    }

    private static string Read(JsonDocument document, string path)
    {
        var element = document.RootElement;
        foreach (var segment in path.Split('.'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element))
            {
                return "";
            }
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString() ?? "",
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            _ => element.GetRawText(),
        };
    }
}
