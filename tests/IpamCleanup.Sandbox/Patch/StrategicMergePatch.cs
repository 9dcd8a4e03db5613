using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>
/// Strategic merge patch, approximated without per-type schemas: a merge patch in which lists of
/// objects that carry a <c>name</c> merge by name (containers, volumes, env), <c>$patch: delete|replace</c>
/// and <c>$deleteFromPrimitiveList/…</c> are honoured, and other <c>$</c> directives (element order,
/// retainKeys) are dropped. That covers what kubectl apply, annotate and label send.
/// </summary>
internal static class StrategicMergePatch
{
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        if (Directive(patchObject) == "replace")
        {
            return WithoutDirectives(patchObject);
        }

        var result = target as JsonObject ?? new JsonObject();
        MergeInto(result, patchObject);
        return result;
    }

    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                RemoveValues(target[key[DeleteFromPrimitiveList.Length..]] as JsonArray, value as JsonArray);
            }
            else if (key.StartsWith('$'))
            {
                continue;
            }
            else if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject childPatch && target[key] is JsonObject childTarget && Directive(childPatch) != "replace")
            {
                MergeInto(childTarget, childPatch);
            }
            else if (value is JsonArray listPatch && target[key] is JsonArray listTarget && IsNamedList(listPatch))
            {
                MergeByName(listTarget, listPatch);
            }
            else
            {
                target[key] = value is JsonObject o ? WithoutDirectives(o) : value.DeepClone();
            }
        }
    }

    private static bool IsNamedList(JsonArray list) =>
        list.Count > 0 && list.All(e => e is JsonObject o && o["name"] is JsonValue);

    private static void MergeByName(JsonArray target, JsonArray patch)
    {
        foreach (var element in patch.Cast<JsonObject>())
        {
            var name = element["name"]!.ToJsonString();
            var existing = target.OfType<JsonObject>().FirstOrDefault(e => e["name"]?.ToJsonString() == name);
            if (Directive(element) == "delete")
            {
                if (existing is not null)
                {
                    target.Remove(existing);
                }
            }
            else if (existing is not null)
            {
                MergeInto(existing, element);
            }
            else
            {
                target.Add(WithoutDirectives(element));
            }
        }
    }

    private static void RemoveValues(JsonArray? target, JsonArray? values)
    {
        if (target is null || values is null)
        {
            return;
        }

        var unwanted = values.Select(v => v?.ToJsonString()).ToHashSet();
        foreach (var element in target.Where(e => unwanted.Contains(e?.ToJsonString())).ToList())
        {
            target.Remove(element);
        }
    }

    private static string? Directive(JsonObject patch) => (patch["$patch"] as JsonValue)?.GetValue<string>();

    private static JsonObject WithoutDirectives(JsonObject patch)
    {
        var result = new JsonObject();
        MergeInto(result, patch);
        return result;
    }
}
