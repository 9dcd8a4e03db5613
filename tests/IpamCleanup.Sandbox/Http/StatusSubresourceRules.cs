using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>
/// For types with a status subresource the API server lets the main resource change everything but
/// status, and the status subresource everything but spec. Calico's CNI relies on the latter: it
/// writes pod annotations through pods/status.
/// </summary>
internal static class StatusSubresourceRules
{
    public static JsonObject Apply(JsonObject current, JsonObject updated, bool viaStatusSubresource)
    {
        var keep = viaStatusSubresource ? "spec" : "status";
        if (current[keep] is { } kept)
        {
            updated[keep] = kept.DeepClone();
        }
        else
        {
            updated.Remove(keep);
        }

        return updated;
    }
}
