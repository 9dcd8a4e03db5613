using System.Text.Json;

namespace IpamCleanup.Core.Json;

/// <summary>Allocation-light reads from <see cref="JsonElement"/>s for the snapshot builder's hot path.</summary>
internal static class JsonElementAccess
{
    public static bool TryGetObject(this JsonElement parent, string name, out JsonElement child)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out child) && child.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        child = default;
        return false;
    }

    public static bool TryGetArray(this JsonElement parent, string name, out JsonElement child)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out child) && child.ValueKind == JsonValueKind.Array)
        {
            return true;
        }

        child = default;
        return false;
    }

    /// <summary>The string value of a property; null when it is missing or not a string.</summary>
    public static string? GetStringOrNull(this JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static bool PropertyEquals(this JsonElement parent, string name, string expected) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) &&
        value.ValueKind == JsonValueKind.String && value.ValueEquals(expected);

    /// <summary>A JSON boolean, or a Go <c>strconv.ParseBool</c> string (the v1 BlockAffinity form).</summary>
    public static bool? GetBoolOrNull(this JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => GoBool.TryParse(value.GetString(), out var parsed) ? parsed : null,
            _ => null,
        };
    }

    public static int? GetInt32OrNull(this JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) &&
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    /// <summary>An RFC 3339 time such as <c>metadata.creationTimestamp</c>; null when missing or unparseable.</summary>
    public static DateTimeOffset? GetTimeOrNull(this JsonElement parent, string name) =>
        GoTimestamp.Parse(parent.GetStringOrNull(name));
}
