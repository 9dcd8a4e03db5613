using System.Text.Json.Nodes;
using IpamCleanup.Core.Model;

namespace IpamCleanup.Core.Mutations;

/// <summary>
/// Step 1 of libcalico's two-step delete in KDD (§1.12): PUT the object with <c>spec.deleted</c> set (the
/// compare-and-swap), then DELETE it with a UID precondition.
/// </summary>
public static class SoftDelete
{
    /// <summary>
    /// Sets <c>spec.deleted</c> to true in the object's own form: the string "true" for v1 BlockAffinities, a boolean
    /// for everything else. The block sequence number is not bumped (libcalico does not bump it either).
    /// </summary>
    public static void Mark(CalicoObject calicoObject)
    {
        ArgumentNullException.ThrowIfNull(calicoObject);
        // A plain CalicoObject wrapping a typed kind is treated as that kind, so the form is still right.
        var typed = calicoObject is BlockAffinityObject or IpamBlockObject or IpamHandleObject
            ? calicoObject
            : CalicoObject.FromJson(calicoObject.Json);
        switch (typed)
        {
            case BlockAffinityObject affinity:
                affinity.Deleted = true;
                break;
            case IpamBlockObject block:
                block.Deleted = true;
                break;
            case IpamHandleObject handle:
                handle.Deleted = true;
                break;
            default:
                var json = calicoObject.Json;
                if (json["spec"] is not JsonObject spec)
                {
                    spec = new JsonObject();
                    json["spec"] = spec;
                }

                spec["deleted"] = JsonValue.Create(true);
                break;
        }
    }
}
