using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace IpamCleanup.Sandbox;

/// <summary>
/// Writes the planned cluster as Kubernetes and Calico objects, straight to UTF-8 with
/// <see cref="Utf8JsonWriter"/> (150,000 pods must take seconds). Not thread-safe: one per enumeration.
/// </summary>
internal sealed partial class ScenarioWriter : IDisposable
{
    private readonly ScenarioPlan _plan;
    private readonly string _calicoApiVersion;
    private readonly bool _v3;
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _json;

    public ScenarioWriter(ScenarioPlan plan)
    {
        _plan = plan;
        _v3 = plan.Spec.Layout == ApiLayout.V3;
        _calicoApiVersion = _v3 ? "projectcalico.org/v3" : "crd.projectcalico.org/v1";
        _json = new Utf8JsonWriter(_buffer, JsonDefaults.Writer);
    }

    public IEnumerable<byte[]> Items()
    {
        yield return ClusterInformation();
        yield return IpamConfig();
        yield return KubeControllersConfiguration();
        yield return IpPool("default-ipv4-ippool", _plan.Ipv4);
        if (_plan.Ipv6 is { } ipv6)
        {
            yield return IpPool("default-ipv6-ippool", ipv6);
        }

        foreach (var ns in _plan.Namespaces.Append("kube-system").Distinct().Order(StringComparer.Ordinal))
        {
            yield return Namespace(ns);
        }

        foreach (var node in _plan.LiveNodes)
        {
            yield return Node(node);
        }

        yield return Service("kubernetes", "default", "10.96.0.1", 443, 6443, null);
        yield return Service("kube-dns", "kube-system", "10.96.0.10", 53, 53, "kube-dns");
        foreach (var (deployment, i) in _plan.Deployments.Take(20).Select((d, i) => (d, i)))
        {
            yield return Service(deployment.Name, deployment.Namespace, "10.96." + (1 + i / 250).ToString(CultureInfo.InvariantCulture) + "." + (1 + i % 250).ToString(CultureInfo.InvariantCulture), 80, deployment.Port, deployment.Name);
        }

        foreach (var pod in _plan.Pods.Where(p => p.Exists))
        {
            yield return Pod(pod);
        }

        foreach (var block in _plan.Blocks)
        {
            yield return Block(block);
        }

        foreach (var block in _plan.Blocks)
        {
            yield return Affinity(block);
        }

        foreach (var tunnel in _plan.Nodes.SelectMany(n => n.Tunnels))
        {
            yield return Handle(tunnel.HandleId, [tunnel.Block], tunnel.TimestampNanos);
        }

        foreach (var pod in _plan.Pods)
        {
            yield return Handle(pod.HandleId, pod.Allocations.Select(a => a.Block).ToList(), pod.Allocations.Count > 0 ? pod.Allocations[0].TimestampNanos : pod.CreatedNanos);
        }

        foreach (var orphan in _plan.OrphanHandles)
        {
            yield return Handle(orphan.HandleId, [orphan.Block], Math.Min(orphan.Block.ClaimNanos + GoTime.Hour, GoTime.ToUnixNanos(_plan.Spec.Epoch) - 2 * GoTime.Hour));
        }
    }

    public void Dispose() => _json.Dispose();

    private byte[] Finish()
    {
        _json.Flush();
        var bytes = _buffer.WrittenSpan.ToArray();
        _buffer.Clear();
        _json.Reset();
        return bytes;
    }

    private void StartObject(string apiVersion, string kind, string name, string? ns, string uid, long created)
    {
        _json.WriteStartObject();
        _json.WriteString("apiVersion", apiVersion);
        _json.WriteString("kind", kind);
        _json.WritePropertyName("metadata");
        _json.WriteStartObject();
        _json.WriteString("name", name);
        if (ns is not null)
        {
            _json.WriteString("namespace", ns);
        }

        _json.WriteString("uid", uid);
        _json.WriteString("creationTimestamp", GoTime.Rfc3339(created));
    }

    private void WriteMap(string property, params (string Key, string Value)[] entries)
    {
        _json.WritePropertyName(property);
        _json.WriteStartObject();
        foreach (var (key, value) in entries)
        {
            _json.WriteString(key, value);
        }

        _json.WriteEndObject();
    }

    private string Rfc(long nanos) => GoTime.Rfc3339(nanos);

    // Objects that have no plan of their own take their uid from the scenario's entropy and a salt.
    private string DerivedUid(string salt) => new SplitMix64(_plan.Entropy ^ Fnv1a(salt)).Uuid();

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private long ClusterCreated => GoTime.ToUnixNanos(_plan.Spec.Epoch) - 61 * GoTime.Day;

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
