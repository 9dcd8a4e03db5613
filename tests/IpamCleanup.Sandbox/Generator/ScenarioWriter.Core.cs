using System.Globalization;

namespace IpamCleanup.Sandbox;

/// <summary>The Kubernetes objects: namespaces, nodes (with Calico's tunnel annotations), services and pods.</summary>
internal sealed partial class ScenarioWriter
{
    private byte[] Namespace(string name)
    {
        StartObject("v1", "Namespace", name, null, DerivedUid("namespace/" + name), ClusterCreated);
        WriteMap("labels", ("kubernetes.io/metadata.name", name));
        _json.WriteEndObject();
        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WritePropertyName("finalizers");
        _json.WriteStartArray();
        _json.WriteStringValue("kubernetes");
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.WritePropertyName("status");
        _json.WriteStartObject();
        _json.WriteString("phase", "Active");
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    private byte[] Node(NodePlan node)
    {
        var random = new SplitMix64(node.Entropy);
        var uid = random.Uuid();
        var internalIp = NodeAddress(node.Index);
        StartObject("v1", "Node", node.Name, null, uid, node.CreatedNanos);
        WriteMap("labels",
            ("beta.kubernetes.io/arch", "amd64"),
            ("beta.kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("kubernetes.io/hostname", node.Name),
            ("kubernetes.io/os", "linux"),
            ("node.kubernetes.io/instance-type", "b3c.16x64"),
            ("topology.kubernetes.io/region", "eu-de"),
            ("topology.kubernetes.io/zone", "eu-de-" + (1 + node.Index % 3).ToString(CultureInfo.InvariantCulture)));
        var annotations = new List<(string, string)>
        {
            ("node.alpha.kubernetes.io/ttl", "0"),
            ("projectcalico.org/IPv4Address", internalIp + "/12"),
        };
        foreach (var tunnel in node.Tunnels)
        {
            annotations.Add((TunnelAnnotation(tunnel.TunnelType!), tunnel.Address));
        }

        if (_plan.Spec.Tunnel == TunnelType.Vxlan)
        {
            annotations.Add(("projectcalico.org/VXLANTunnelMACAddr", MacAddress(ref random)));
        }

        annotations.Add(("volumes.kubernetes.io/controller-managed-attach-detach", "true"));
        WriteMap("annotations", annotations.ToArray());
        _json.WriteEndObject();

        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WriteString("providerID", "sandbox://eu-de/" + node.Name);
        _json.WriteEndObject();

        _json.WritePropertyName("status");
        _json.WriteStartObject();
        _json.WritePropertyName("addresses");
        _json.WriteStartArray();
        WriteAddress(internalIp, "InternalIP");
        WriteAddress(node.Name, "Hostname");
        _json.WriteEndArray();
        WriteMap("allocatable", ("cpu", "15880m"), ("ephemeral-storage", "93478772582"), ("memory", "60055024Ki"), ("pods", "110"));
        WriteMap("capacity", ("cpu", "16"), ("ephemeral-storage", "101430960Ki"), ("memory", "65857520Ki"), ("pods", "110"));
        _json.WritePropertyName("conditions");
        _json.WriteStartArray();
        var heartbeat = Rfc(GoTime.ToUnixNanos(_plan.Spec.Epoch) - 20 * GoTime.Second);
        var since = Rfc(node.CreatedNanos + GoTime.Minute);
        WriteNodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", heartbeat, since);
        WriteNodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", heartbeat, since);
        WriteNodeCondition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", heartbeat, since);
        WriteNodeCondition("Ready", "True", "KubeletReady", "kubelet is posting ready status", heartbeat, since);
        _json.WriteEndArray();
        _json.WritePropertyName("daemonEndpoints");
        _json.WriteStartObject();
        _json.WritePropertyName("kubeletEndpoint");
        _json.WriteStartObject();
        _json.WriteNumber("Port", 10250);
        _json.WriteEndObject();
        _json.WriteEndObject();
        WriteMap("nodeInfo",
            ("architecture", "amd64"),
            ("bootID", random.Uuid()),
            ("containerRuntimeVersion", "containerd://1.7.24"),
            ("kernelVersion", "5.15.0-127-generic"),
            ("kubeProxyVersion", "v1.32.0"),
            ("kubeletVersion", "v1.32.0"),
            ("machineID", random.Hex(32)),
            ("operatingSystem", "linux"),
            ("osImage", "Ubuntu 22.04.5 LTS"),
            ("systemUUID", random.Uuid()));
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    private void WriteAddress(string address, string type)
    {
        _json.WriteStartObject();
        _json.WriteString("address", address);
        _json.WriteString("type", type);
        _json.WriteEndObject();
    }

    private void WriteNodeCondition(string type, string status, string reason, string message, string heartbeat, string since)
    {
        _json.WriteStartObject();
        _json.WriteString("lastHeartbeatTime", heartbeat);
        _json.WriteString("lastTransitionTime", since);
        _json.WriteString("message", message);
        _json.WriteString("reason", reason);
        _json.WriteString("status", status);
        _json.WriteString("type", type);
        _json.WriteEndObject();
    }

    private byte[] Service(string name, string ns, string clusterIp, int port, int targetPort, string? app)
    {
        StartObject("v1", "Service", name, ns, DerivedUid("service/" + ns + "/" + name), ClusterCreated);
        if (app is not null)
        {
            WriteMap("labels", ("app", app));
        }

        _json.WriteEndObject();
        _json.WritePropertyName("spec");
        _json.WriteStartObject();
        _json.WriteString("clusterIP", clusterIp);
        _json.WritePropertyName("clusterIPs");
        _json.WriteStartArray();
        _json.WriteStringValue(clusterIp);
        _json.WriteEndArray();
        _json.WriteString("internalTrafficPolicy", "Cluster");
        _json.WritePropertyName("ipFamilies");
        _json.WriteStartArray();
        _json.WriteStringValue("IPv4");
        _json.WriteEndArray();
        _json.WriteString("ipFamilyPolicy", "SingleStack");
        _json.WritePropertyName("ports");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WriteString("name", port == 53 ? "dns" : port == 443 ? "https" : "http");
        _json.WriteNumber("port", port);
        _json.WriteString("protocol", port == 53 ? "UDP" : "TCP");
        _json.WriteNumber("targetPort", targetPort);
        _json.WriteEndObject();
        _json.WriteEndArray();
        if (app is not null)
        {
            WriteMap("selector", ("app", app));
        }

        _json.WriteString("sessionAffinity", "None");
        _json.WriteString("type", "ClusterIP");
        _json.WriteEndObject();
        _json.WritePropertyName("status");
        _json.WriteStartObject();
        _json.WritePropertyName("loadBalancer");
        _json.WriteStartObject();
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    private static string TunnelAnnotation(string tunnelType) => tunnelType switch
    {
        "vxlanTunnelAddress" => "projectcalico.org/IPv4VXLANTunnelAddr",
        "vxlanV6TunnelAddress" => "projectcalico.org/IPv6VXLANTunnelAddr",
        "ipipTunnelAddress" => "projectcalico.org/IPv4IPIPTunnelAddr",
        "wireguardTunnelAddress" => "projectcalico.org/IPv4WireguardInterfaceAddr",
        _ => "projectcalico.org/IPv6WireguardInterfaceAddr",
    };

    // Node addresses live in 172.16.0.0/12, clear of the default pod pool.
    private static string NodeAddress(int index)
    {
        var n = index + 1;
        return "172." + (16 + (n >> 16)).ToString(CultureInfo.InvariantCulture) + "." + ((n >> 8) & 0xFF).ToString(CultureInfo.InvariantCulture) + "." + (n & 0xFF).ToString(CultureInfo.InvariantCulture);
    }

    private static string MacAddress(ref SplitMix64 random)
    {
        var hex = random.Hex(10);
        return "66:" + string.Join(':', Enumerable.Range(0, 5).Select(i => hex.Substring(i * 2, 2)));
    }
}
