using System.Globalization;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy and test, addressed by JSON pointers.</summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op || op["op"]?.GetValue<string>() is not { } name || op["path"]?.GetValue<string>() is not { } path)
            {
                throw ApiErrors.BadRequest("each JSON patch operation needs \"op\" and \"path\"");
            }

            switch (name)
            {
                case "add":
                    target = Add(target, path, Value(op));
                    break;
                case "remove":
                    Remove(target, path);
                    break;
                case "replace":
                    Remove(target, path);
                    target = Add(target, path, Value(op));
                    break;
                case "move":
                    var moved = Get(target, From(op));
                    Remove(target, From(op));
                    target = Add(target, path, moved?.DeepClone());
                    break;
                case "copy":
                    target = Add(target, path, Get(target, From(op))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(target, path), Value(op)))
                    {
                        throw new SandboxApiException(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }

                    break;
                default:
                    throw ApiErrors.BadRequest($"unknown JSON patch operation \"{name}\"");
            }
        }

        return target;
    }

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw ApiErrors.BadRequest("JSON patch operation needs \"value\"");

    private static string From(JsonObject op) => op["from"]?.GetValue<string>() ?? throw ApiErrors.BadRequest("JSON patch operation needs \"from\"");

    private static JsonNode Add(JsonNode target, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value ?? throw ApiErrors.BadRequest("cannot replace the whole object with null");
        }

        var (parent, token) = Parent(target, path);
        switch (parent)
        {
            case JsonObject obj:
                obj[token] = value;
                break;
            case JsonArray array when token == "-":
                array.Add(value);
                break;
            case JsonArray array:
                array.Insert(Index(array, token, allowEnd: true), value);
                break;
            default:
                throw Missing(path);
        }

        return target;
    }

    private static void Remove(JsonNode target, string path)
    {
        var (parent, token) = Parent(target, path);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(token):
                obj.Remove(token);
                break;
            case JsonArray array:
                array.RemoveAt(Index(array, token, allowEnd: false));
                break;
            default:
                throw Missing(path);
        }
    }

    private static JsonNode? Get(JsonNode target, string path)
    {
        JsonNode? node = target;
        foreach (var token in Tokens(path))
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array => array[Index(array, token, allowEnd: false)],
                _ => throw Missing(path),
            };
        }

        return node;
    }

    private static (JsonNode? Parent, string Token) Parent(JsonNode target, string path)
    {
        var tokens = Tokens(path);
        var parentPath = string.Concat(tokens.Take(tokens.Count - 1).Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        return (Get(target, parentPath), tokens[^1]);
    }

    private static List<string> Tokens(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (path[0] != '/')
        {
            throw ApiErrors.BadRequest($"JSON pointer \"{path}\" must start with /");
        }

        return path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static int Index(JsonArray array, string token, bool allowEnd)
    {
        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index > array.Count || (!allowEnd && index == array.Count))
        {
            throw ApiErrors.BadRequest($"array index \"{token}\" is out of range");
        }

        return index;
    }

    private static SandboxApiException Missing(string path) =>
        new(422, "Invalid", $"the server rejected our request due to an error in our request: path {path} does not exist");
}
