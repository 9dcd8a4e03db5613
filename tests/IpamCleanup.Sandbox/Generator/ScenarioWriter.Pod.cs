using System.Globalization;

namespace IpamCleanup.Sandbox;

/// <summary>
/// A running pod as the API server returns it (about 3 KB): owner reference, one container with
/// resources, probes and ports, the service-account volume, full status, and Calico's CNI annotations.
/// </summary>
internal sealed partial class ScenarioWriter
{
    private static readonly string[] PodConditions = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];

    private byte[] Pod(PodPlan pod)
    {
        var random = new SplitMix64(pod.Entropy);
        var sandboxId = random.Hex(64);
        var uid = random.Uuid();
        var containerId = random.Hex(64);
        var volume = "kube-api-access-" + random.FromAlphabet("bcdfghjklmnpqrstvwxz2456789", 5);
        var deployment = pod.Deployment;
        var image = "registry.example.com/" + deployment.Namespace + "/" + deployment.Name + ":1." + (deployment.Entropy % 40).ToString(CultureInfo.InvariantCulture) + ".0";
        var imageDigest = new SplitMix64(deployment.Entropy).Hex(64);
        var addresses = pod.Allocations.Select(a => a.Address).ToList();
        var cidrs = pod.Allocations.Select((a, i) => addresses[i] + (a.Block.Pool.IsIpv6 ? "/128" : "/32")).ToList();
        var started = pod.CreatedNanos + 3 * GoTime.Second;

        StartObject("v1", "Pod", pod.Name, pod.Namespace, uid, pod.CreatedNanos);
        _json.WriteString("generateName", deployment.ReplicaSetName + "-");
        WriteMap("labels", ("app", deployment.Name), ("app.kubernetes.io/name", deployment.Name), ("app.kubernetes.io/part-of", deployment.Namespace), ("pod-template-hash", deployment.TemplateHash));
        WriteMap("annotations",
            ("cni.projectcalico.org/containerID", sandboxId),
            ("cni.projectcalico.org/podIP", cidrs.Count > 0 ? cidrs[0] : ""),
            ("cni.projectcalico.org/podIPs", string.Join(',', cidrs)));
        _json.WritePropertyName("ownerReferences");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WriteString("apiVersion", "apps/v1");
        _json.WriteBoolean("blockOwnerDeletion", true);
        _json.WriteBoolean("controller", true);
        _json.WriteString("kind", "ReplicaSet");
        _json.WriteString("name", deployment.ReplicaSetName);
        _json.WriteString("uid", new SplitMix64(deployment.Entropy).Uuid());
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteEndObject();

        WritePodSpec(pod, deployment, image, volume);
        WritePodStatus(pod, image, imageDigest, containerId, addresses, started);
        _json.WriteEndObject();
        return Finish();
    }

    private void WritePodSpec(PodPlan pod, DeploymentPlan deployment, string image, string volume)
    {
        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WritePropertyName("containers");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WritePropertyName("env");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WriteString("name", "POD_NAME");
        _json.WritePropertyName("valueFrom");
        _json.WriteStartObject();
        WriteMap("fieldRef", ("apiVersion", "v1"), ("fieldPath", "metadata.name"));
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteStartObject();
        _json.WriteString("name", "LOG_LEVEL");
        _json.WriteString("value", "info");
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteString("image", image);
        _json.WriteString("imagePullPolicy", "IfNotPresent");
        _json.WriteString("name", "app");
        _json.WritePropertyName("ports");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WriteNumber("containerPort", deployment.Port);
        _json.WriteString("name", "http");
        _json.WriteString("protocol", "TCP");
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WritePropertyName("readinessProbe");
        _json.WriteStartObject();
        _json.WriteNumber("failureThreshold", 3);
        _json.WritePropertyName("httpGet");
        _json.WriteStartObject();
        _json.WriteString("path", "/healthz");
        _json.WriteNumber("port", deployment.Port);
        _json.WriteString("scheme", "HTTP");
        _json.WriteEndObject();
        _json.WriteNumber("periodSeconds", 10);
        _json.WriteNumber("successThreshold", 1);
        _json.WriteNumber("timeoutSeconds", 1);
        _json.WriteEndObject();
        _json.WritePropertyName("resources");
        _json.WriteStartObject();
        WriteMap("limits", ("cpu", "500m"), ("memory", "512Mi"));
        WriteMap("requests", ("cpu", "100m"), ("memory", "128Mi"));
        _json.WriteEndObject();
        _json.WriteString("terminationMessagePath", "/dev/termination-log");
        _json.WriteString("terminationMessagePolicy", "File");
        _json.WritePropertyName("volumeMounts");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WriteString("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount");
        _json.WriteString("name", volume);
        _json.WriteBoolean("readOnly", true);
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteString("dnsPolicy", "ClusterFirst");
        _json.WriteBoolean("enableServiceLinks", true);
        _json.WriteString("nodeName", pod.Node.Name);
        _json.WriteString("preemptionPolicy", "PreemptLowerPriority");
        _json.WriteNumber("priority", 0);
        _json.WriteString("restartPolicy", "Always");
        _json.WriteString("schedulerName", "default-scheduler");
        _json.WritePropertyName("securityContext");
        _json.WriteStartObject();
        _json.WriteEndObject();
        _json.WriteString("serviceAccount", "default");
        _json.WriteString("serviceAccountName", "default");
        _json.WriteNumber("terminationGracePeriodSeconds", 30);
        _json.WritePropertyName("tolerations");
        _json.WriteStartArray();
        foreach (var key in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
        {
            _json.WriteStartObject();
            _json.WriteString("effect", "NoExecute");
            _json.WriteString("key", key);
            _json.WriteString("operator", "Exists");
            _json.WriteNumber("tolerationSeconds", 300);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WritePropertyName("volumes");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WriteString("name", volume);
        _json.WritePropertyName("projected");
        _json.WriteStartObject();
        _json.WriteNumber("defaultMode", 420);
        _json.WritePropertyName("sources");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WritePropertyName("serviceAccountToken");
        _json.WriteStartObject();
        _json.WriteNumber("expirationSeconds", 3607);
        _json.WriteString("path", "token");
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteStartObject();
        _json.WritePropertyName("configMap");
        _json.WriteStartObject();
        _json.WritePropertyName("items");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WriteString("key", "ca.crt");
        _json.WriteString("path", "ca.crt");
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteString("name", "kube-root-ca.crt");
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    private void WritePodStatus(PodPlan pod, string image, string imageDigest, string containerId, List<string> addresses, long started)
    {
        _json.WritePropertyName("status");
        _json.WriteStartObject();
        var scheduled = Rfc(pod.CreatedNanos);
        var ready = Rfc(started + 5 * GoTime.Second);
        _json.WritePropertyName("conditions");
        _json.WriteStartArray();
        foreach (var type in PodConditions)
        {
            _json.WriteStartObject();
            _json.WriteNull("lastProbeTime");
            _json.WriteString("lastTransitionTime", type == "PodScheduled" ? scheduled : ready);
            _json.WriteString("status", "True");
            _json.WriteString("type", type);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WritePropertyName("containerStatuses");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WriteString("containerID", "containerd://" + containerId);
        _json.WriteString("image", image);
        _json.WriteString("imageID", image[..image.LastIndexOf(':')] + "@sha256:" + imageDigest);
        _json.WritePropertyName("lastState");
        _json.WriteStartObject();
        _json.WriteEndObject();
        _json.WriteString("name", "app");
        _json.WriteBoolean("ready", true);
        _json.WriteNumber("restartCount", 0);
        _json.WriteBoolean("started", true);
        _json.WritePropertyName("state");
        _json.WriteStartObject();
        WriteMap("running", ("startedAt", Rfc(started)));
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndArray();
        var hostIp = NodeAddress(pod.Node.Index);
        _json.WriteString("hostIP", hostIp);
        _json.WritePropertyName("hostIPs");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WriteString("ip", hostIp);
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteString("phase", "Running");
        if (addresses.Count > 0)
        {
            _json.WriteString("podIP", addresses[0]);
            _json.WritePropertyName("podIPs");
            _json.WriteStartArray();
            foreach (var address in addresses)
            {
                _json.WriteStartObject();
                _json.WriteString("ip", address);
                _json.WriteEndObject();
            }

            _json.WriteEndArray();
        }

        _json.WriteString("qosClass", "Burstable");
        _json.WriteString("startTime", Rfc(pod.CreatedNanos + GoTime.Second));
        _json.WriteEndObject();
    }
}
