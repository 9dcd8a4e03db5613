using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpamCleanup.Core.Tests.TestSupport;

internal static class JsonAssert
{
    public static void Equal(string expected, string actual)
    {
        var e = JsonNode.Parse(expected);
        var a = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(e, a), $"JSON differs.\nExpected: {expected}\nActual:   {actual}");
    }

    /// <summary>Asserts the documents are equal once <paramref name="path"/> (a chain of property names) is removed from both.</summary>
    public static void EqualExcept(string expected, string actual, params string[] path)
    {
        var e = JsonNode.Parse(expected)!.AsObject();
        var a = JsonNode.Parse(actual)!.AsObject();
        Remove(e, path);
        Remove(a, path);
        Assert.True(JsonNode.DeepEquals(e, a), $"JSON differs outside {string.Join('.', path)}.\nExpected: {e.ToJsonString()}\nActual:   {a.ToJsonString()}");
    }

    public static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static void Remove(JsonObject root, string[] path)
    {
        var current = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            current = current[path[i]]!.AsObject();
        }

        current.Remove(path[^1]);
    }
}
