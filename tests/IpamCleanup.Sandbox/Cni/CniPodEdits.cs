using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>The pod edits kubelet and the Calico CNI make around an ADD and a DEL.</summary>
internal static class CniPodEdits
{
    public static JsonObject PendingPod(string ns, string name, string node) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["labels"] = new JsonObject { ["app"] = "cni-sim" },
        },
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "registry.example.com/cni-sim:1.0" }),
            ["nodeName"] = node,
        },
        ["status"] = new JsonObject { ["phase"] = "Pending" },
    };

    public static void MarkRunning(JsonObject pod, string sandbox, string ip)
    {
        var cidr = ip + (ip.Contains(':', StringComparison.Ordinal) ? "/128" : "/32");
        var metadata = pod["metadata"]!.AsObject();
        var annotations = metadata["annotations"] as JsonObject ?? [];
        metadata["annotations"] = annotations;
        annotations["cni.projectcalico.org/containerID"] = sandbox;
        annotations["cni.projectcalico.org/podIP"] = cidr;
        annotations["cni.projectcalico.org/podIPs"] = cidr;
        var status = pod["status"] as JsonObject ?? [];
        pod["status"] = status;
        status["phase"] = "Running";
        status["podIP"] = ip;
        status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip });
    }

    // kubelet has started deleting the pod; Calico's DEL clears podIP(s) but keeps containerID.
    public static void MarkTerminating(JsonObject pod)
    {
        var metadata = pod["metadata"]!.AsObject();
        metadata["deletionTimestamp"] ??= GoTime.NowRfc3339();
        metadata["deletionGracePeriodSeconds"] ??= 30;
        var annotations = metadata["annotations"] as JsonObject ?? [];
        metadata["annotations"] = annotations;
        annotations["cni.projectcalico.org/podIP"] = "";
        annotations["cni.projectcalico.org/podIPs"] = "";
    }
}
