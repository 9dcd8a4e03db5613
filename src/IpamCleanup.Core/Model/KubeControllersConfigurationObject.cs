using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core.Json;

namespace IpamCleanup.Core.Model;

/// <summary>KubeControllersConfiguration <c>default</c>: the IPAM GC grace period and the LoadBalancer controller mode.</summary>
public sealed class KubeControllersConfigurationObject : CalicoObject
{
    public KubeControllersConfigurationObject(JsonObject json)
        : base(json)
    {
    }

    public static new KubeControllersConfigurationObject Parse(string json) => new(ParseObject(json));

    public static KubeControllersConfigurationObject FromElement(JsonElement element) => new(ToJsonObject(element));

    /// <summary>True when <c>spec.controllers.node</c> is present (the node controller and its IPAM GC run).</summary>
    public bool HasNodeController => NodeController is not null;

    /// <summary>True when <c>spec.controllers.loadBalancer</c> is present.</summary>
    public bool HasLoadBalancerController => Controllers.GetObject("loadBalancer") is not null;

    /// <summary>The raw Go duration text of <c>spec.controllers.node.leakGracePeriod</c>.</summary>
    public string? LeakGracePeriodText => NodeController.GetString("leakGracePeriod");

    /// <summary>
    /// The GC leak grace period; null when absent or unparseable, zero when GC of leaks is off. Setting writes Go
    /// duration text ("15m0s") and creates <c>spec.controllers.node</c> if needed; null removes the field.
    /// </summary>
    public TimeSpan? LeakGracePeriod
    {
        get => GoDuration.Parse(LeakGracePeriodText);
        set
        {
            if (value is null)
            {
                NodeController?.Remove("leakGracePeriod");
                return;
            }

            EnsureSpec().EnsureObject("controllers").EnsureObject("node")["leakGracePeriod"] = JsonValue.Create(GoDuration.Format(value.Value));
        }
    }

    /// <summary>
    /// <c>spec.controllers.loadBalancer.assignIPs</c> as stored ("AllServices" / "RequestedServicesOnly"); null when
    /// absent (the CRD defaults it to AllServices when the loadBalancer section exists).
    /// </summary>
    public string? LoadBalancerAssignIPs
    {
        get => Controllers.GetObject("loadBalancer").GetString("assignIPs");
        set
        {
            if (value is null)
            {
                Controllers.GetObject("loadBalancer")?.Remove("assignIPs");
                return;
            }

            EnsureSpec().EnsureObject("controllers").EnsureObject("loadBalancer")["assignIPs"] = JsonValue.Create(value);
        }
    }

    private JsonObject? Controllers => Spec.GetObject("controllers");

    private JsonObject? NodeController => Controllers.GetObject("node");

    public override KubeControllersConfigurationObject DeepClone() => new((JsonObject)Json.DeepClone());
}
