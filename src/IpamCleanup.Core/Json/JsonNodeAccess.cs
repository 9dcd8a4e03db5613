using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpamCleanup.Core.Json;

/// <summary>
/// Typed reads and writes on <see cref="JsonObject"/> trees. Values parsed from text and values created from CLR
/// objects behave differently in System.Text.Json.Nodes, so every read goes through these helpers.
/// </summary>
internal static class JsonNodeAccess
{
    public static JsonObject? GetObject(this JsonObject? parent, string name) =>
        parent is not null && parent.TryGetPropertyValue(name, out var node) ? node as JsonObject : null;

    public static JsonArray? GetArray(this JsonObject? parent, string name) =>
        parent is not null && parent.TryGetPropertyValue(name, out var node) ? node as JsonArray : null;

    /// <summary>Returns the child object, creating it (at the end of the parent) when it is missing or null.</summary>
    public static JsonObject EnsureObject(this JsonObject parent, string name)
    {
        if (parent.TryGetPropertyValue(name, out var node) && node is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    public static string? GetString(this JsonObject? parent, string name) =>
        parent is not null && parent.TryGetPropertyValue(name, out var node) ? AsString(node) : null;

    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Sets a string value, or removes the property when <paramref name="value"/> is null.</summary>
    public static void SetString(this JsonObject parent, string name, string? value)
    {
        if (value is null)
        {
            parent.Remove(name);
        }
        else
        {
            parent[name] = JsonValue.Create(value);
        }
    }

    public static bool TryGetBool(JsonNode? node, out bool value)
    {
        value = false;
        if (node is not JsonValue json)
        {
            return false;
        }

        switch (json.GetValueKind())
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                return true;
            case JsonValueKind.String:
                return GoBool.TryParse(AsString(json), out value);
            default:
                return false;
        }
    }

    public static bool? GetBool(this JsonObject? parent, string name) =>
        parent is not null && parent.TryGetPropertyValue(name, out var node) && TryGetBool(node, out var value) ? value : null;

    /// <summary>Reads an exact unsigned 64-bit integer (never via double, so values above 2^53 survive).</summary>
    public static bool TryGetUInt64(JsonNode? node, out ulong value)
    {
        value = 0;
        if (node is not JsonValue json || json.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (json.TryGetValue<JsonElement>(out var element))
        {
            return element.TryGetUInt64(out value);
        }

        if (json.TryGetValue(out value))
        {
            return true;
        }

        if (json.TryGetValue<long>(out var signed) || TryGetSmallSigned(json, out signed))
        {
            if (signed < 0)
            {
                return false;
            }

            value = (ulong)signed;
            return true;
        }

        if (json.TryGetValue<uint>(out var unsigned32))
        {
            value = unsigned32;
            return true;
        }

        // Last resort for numbers created from other CLR types (decimal, double): parse the exact text.
        return ulong.TryParse(json.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryGetInt64(JsonNode? node, out long value)
    {
        value = 0;
        if (node is not JsonValue json || json.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (json.TryGetValue<JsonElement>(out var element))
        {
            return element.TryGetInt64(out value);
        }

        if (json.TryGetValue(out value) || TryGetSmallSigned(json, out value))
        {
            return true;
        }

        if (json.TryGetValue<ulong>(out var unsigned) && unsigned <= long.MaxValue)
        {
            value = (long)unsigned;
            return true;
        }

        return long.TryParse(json.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryGetInt32(JsonNode? node, out int value)
    {
        value = 0;
        if (TryGetInt64(node, out var wide) && wide is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)wide;
            return true;
        }

        return false;
    }

    public static int? GetInt32(this JsonObject? parent, string name) =>
        parent is not null && parent.TryGetPropertyValue(name, out var node) && TryGetInt32(node, out var value) ? value : null;

    /// <summary>A string-to-string map such as annotations; entries whose value is not a string are left out.</summary>
    public static IReadOnlyDictionary<string, string> GetStringMap(this JsonObject? parent, string name)
    {
        var map = parent.GetObject(name);
        if (map is null || map.Count == 0)
        {
            return EmptyStringMap;
        }

        var result = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            if (AsString(value) is { } text)
            {
                result[key] = text;
            }
        }

        return result;
    }

    public static IReadOnlyDictionary<string, string> EmptyStringMap { get; } = new Dictionary<string, string>(0, StringComparer.Ordinal);

    private static bool TryGetSmallSigned(JsonValue json, out long value)
    {
        if (json.TryGetValue<int>(out var i32))
        {
            value = i32;
            return true;
        }

        if (json.TryGetValue<short>(out var i16))
        {
            value = i16;
            return true;
        }

        if (json.TryGetValue<byte>(out var u8))
        {
            value = u8;
            return true;
        }

        value = 0;
        return false;
    }
}
