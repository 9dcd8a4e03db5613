using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>
/// A simulated Calico CNI plugin that sets up and tears down pods concurrently, in Calico's order and
/// through the store's compare-and-swap (re-read and retry on conflict), so it races fairly with clients.
/// ADD: the pod exists (Pending) → create/increment the IPAMHandle → CAS the block (head of the free FIFO,
/// attribute, per-ordinal sequence number; a block write that does not land, even because the block was deleted
/// meanwhile, takes the handle increment back) → patch the pod's annotations and status.podIP.
/// DEL: mark the pod terminating with empty podIP annotations → CAS-release in the block (tail of the FIFO)
/// → decrement or soft-delete-then-delete the handle → delete the pod.
/// <see cref="LiveAllocations"/> lists what it holds; <see cref="Violations"/> records live addresses
/// that someone else released or re-assigned.
/// </summary>
public sealed class CniSimulator : IDisposable
{
    private const string NetworkName = "k8s-pod-network";

    private readonly SandboxStore _store;
    private readonly CalicoIpamWriter _ipam;
    private readonly CniSimulatorOptions _options;
    private readonly string _calico;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, CniAllocation> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly List<string> _deletable = [];
    private readonly object _gate = new();
    private Dictionary<string, List<string>>? _blocksByNode;
    private DateTime _blocksByNodeBuilt;
    private CancellationTokenSource? _stop;
    private Task[] _workers = [];
    private long _adds;
    private long _deletes;
    private long _errors;
    private int _podCounter;

    public CniSimulator(SandboxStore store, CniSimulatorOptions? options = null)
    {
        _store = store;
        _options = options ?? new CniSimulatorOptions();
        _ipam = new CalicoIpamWriter(store, _options.BeforeAllocationWrite);
        _calico = store.Catalog.CalicoApiVersion;
        // Mixed so that a simulator and a generator given the same seed never draw the same container IDs (handles).
        _random = _options.Seed is { } seed ? new Random(seed ^ 0x5CA1AB1E) : new Random();
        if (_options.DeletePreexistingPods)
        {
            _deletable.AddRange(store.Snapshot(store.Catalog.GetByPlural("v1", "pods")).Select(p => p.Key));
        }
    }

    public bool IsRunning => _stop is { IsCancellationRequested: false };

    public long Adds => Interlocked.Read(ref _adds);

    public long Deletes => Interlocked.Read(ref _deletes);

    /// <summary>Compare-and-swap conflicts it hit and retried.</summary>
    public long Conflicts => _ipam.Conflicts;

    /// <summary>Operations abandoned because the state changed under them in a way Calico would also give up on.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The last error that made an operation give up, for diagnosis.</summary>
    public string? LastError { get; private set; }

    /// <summary>Live addresses found released or re-assigned by someone else. Should stay empty.</summary>
    public IReadOnlyList<string> Violations => _violations.ToArray();

    /// <summary>ip → namespace/pod for every address the simulator currently holds for a live pod.</summary>
    public IReadOnlyDictionary<string, string> LiveAddresses() =>
        new SortedDictionary<string, string>(_live.ToDictionary(l => l.Key, l => l.Value.Namespace + "/" + l.Value.Pod), StringComparer.Ordinal);

    public IReadOnlyList<CniAllocation> LiveAllocations() => _live.Values.OrderBy(a => a.Ip, StringComparer.Ordinal).ToList();

    public void Start()
    {
        lock (_gate)
        {
            if (IsRunning)
            {
                return;
            }

            _stop = new CancellationTokenSource();
            var token = _stop.Token;
            var workers = Math.Max(1, _options.Workers);
            var interval = TimeSpan.FromSeconds(workers / Math.Max(0.001, _options.RatePerSecond));
            _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(() => RunAsync(interval, token))).ToArray();
        }
    }

    /// <summary>Stops and waits for operations in flight, so the state is quiet afterwards.</summary>
    public void Stop()
    {
        Task[] workers;
        lock (_gate)
        {
            _stop?.Cancel();
            workers = _workers;
            _workers = [];
        }

        Task.WaitAll(workers);
    }

    public void Dispose()
    {
        Stop();
        _stop?.Dispose();
    }

    /// <summary>Checks every live address is still allocated to its handle; new problems are added to <see cref="Violations"/>.</summary>
    public IReadOnlyList<string> VerifyLive()
    {
        var found = _live.Values.Where(a => !IsIntact(a)).Select(Describe).ToList();
        foreach (var violation in found)
        {
            _violations.Enqueue(violation);
        }

        return found;
    }

    /// <summary>One pod set-up on <paramref name="node"/> (or a random node with an affine block); null when no block has room.</summary>
    public CniAllocation? AddPod(string? node = null)
    {
        var blocksByNode = BlocksByNode();
        node ??= Pick(blocksByNode.Keys.Order(StringComparer.Ordinal).ToList());
        if (node is null || !blocksByNode.TryGetValue(node, out var blocks))
        {
            return null;
        }

        var ns = _options.Namespace;
        var name = CreatePendingPod(ns, node);
        var sandbox = Hex(64);
        var handleId = NetworkName + "." + sandbox;
        foreach (var blockName in blocks.OrderBy(_ => Next(int.MaxValue)).ToList())
        {
            var secondary = new JsonObject
            {
                ["namespace"] = ns,
                ["node"] = node,
                ["pod"] = name,
                ["timestamp"] = GoTime.GoString(GoTime.ToUnixNanos(DateTimeOffset.UtcNow)),
            };
            if (_ipam.AllocateInBlock(blockName, handleId, node, secondary) is not { } ip)
            {
                continue;
            }

            var allocation = new CniAllocation(ip, ns, name, handleId, blockName, node);
            _live[allocation.Ip] = allocation;
            _ipam.UpdateWithRetry("v1", "pods", ns, name, pod => CniPodEdits.MarkRunning(pod, sandbox, ip));
            lock (_gate)
            {
                _deletable.Add(ns + "/" + name);
            }

            Interlocked.Increment(ref _adds);
            return allocation;
        }

        _store.Delete("v1", "pods", ns, name);

        // Blocks may have been created, deleted or re-assigned since the index was built; look again, but not in a tight loop.
        lock (_gate)
        {
            if (DateTime.UtcNow - _blocksByNodeBuilt > TimeSpan.FromSeconds(2))
            {
                _blocksByNode = null;
            }
        }

        return null;
    }

    /// <summary>One pod tear-down; false when the pod does not exist.</summary>
    public bool DeletePod(string ns, string name)
    {
        var pod = _store.Get("v1", "pods", ns, name);
        if (pod is null)
        {
            return false;
        }

        foreach (var held in _live.Values.Where(a => a.Namespace == ns && a.Pod == name).ToList())
        {
            if (!IsIntact(held))
            {
                _violations.Enqueue(Describe(held));
            }

            _live.TryRemove(held.Ip, out _);
        }

        var containerId = pod["metadata"]?["annotations"]?["cni.projectcalico.org/containerID"]?.GetValue<string>();
        _ipam.UpdateWithRetry("v1", "pods", ns, name, CniPodEdits.MarkTerminating);
        if (containerId is not null)
        {
            var handleId = NetworkName + "." + containerId;
            // Calico releases in the blocks the handle names; without a handle it can only search the node's blocks.
            var blocks = _ipam.BlocksOfHandle(handleId);
            if (blocks.Count == 0 && pod["spec"]?["nodeName"]?.GetValue<string>() is { } node && BlocksByNode().TryGetValue(node, out var nodeBlocks))
            {
                blocks = nodeBlocks;
            }

            _ipam.DecrementHandle(handleId, _ipam.ReleaseByHandle(handleId, blocks));
        }

        _store.Delete("v1", "pods", ns, name);
        Interlocked.Increment(ref _deletes);
        return true;
    }

    // kubelet's part: the pod exists (scheduled, Pending) before the CNI is called. Names from an earlier
    // simulator with the same seed may still exist, so a taken name is retried.
    private string CreatePendingPod(string ns, string node)
    {
        for (var attempt = 0; ; attempt++)
        {
            var name = $"cni-sim-{Interlocked.Increment(ref _podCounter):D6}-{Hex(5)}";
            try
            {
                _store.Create(CniPodEdits.PendingPod(ns, name, node));
                return name;
            }
            catch (SandboxApiException e) when (e.Reason == "AlreadyExists" && attempt < 10)
            {
            }
        }
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                string? victim = null;
                if (Next(2) == 0)
                {
                    lock (_gate)
                    {
                        if (_deletable.Count > 0)
                        {
                            var index = Next(_deletable.Count);
                            victim = _deletable[index];
                            _deletable.RemoveAt(index);
                        }
                    }
                }

                if (victim is null)
                {
                    AddPod();
                }
                else
                {
                    var slash = victim.IndexOf('/', StringComparison.Ordinal);
                    DeletePod(victim[..slash], victim[(slash + 1)..]);
                }
            }
            catch (SandboxApiException e)
            {
                // Someone deleted or replaced what we were working on; Calico's CNI would fail this call too.
                Interlocked.Increment(ref _errors);
                LastError = e.Message;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // E.g. objects a test rewrote into shapes Calico never writes: a background worker must not die silently.
                Interlocked.Increment(ref _errors);
                LastError = e.ToString();
            }
        }
    }

    private bool IsIntact(CniAllocation allocation) => _ipam.IsAllocated(allocation.BlockName, allocation.HandleId, allocation.Ip);

    private static string Describe(CniAllocation a) =>
        $"{a.Ip} of pod {a.Namespace}/{a.Pod} (handle {a.HandleId}, block {a.BlockName}) was released or re-assigned while the pod was live";

    private Dictionary<string, List<string>> BlocksByNode()
    {
        lock (_gate)
        {
            if (_blocksByNode is not null)
            {
                return _blocksByNode;
            }
        }

        var index = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var block in _store.Snapshot(_store.Catalog.GetByPlural(_calico, "ipamblocks")))
        {
            using var document = JsonDocument.Parse(block.Json);
            if (document.RootElement.TryGetProperty("spec", out var spec)
                && spec.TryGetProperty("affinity", out var affinity) && affinity.ValueKind == JsonValueKind.String
                && affinity.GetString() is { } text && text.StartsWith("host:", StringComparison.Ordinal))
            {
                var node = text[5..];
                if (!index.TryGetValue(node, out var list))
                {
                    index[node] = list = [];
                }

                list.Add(block.Name);
            }
        }

        lock (_gate)
        {
            if (_blocksByNode is null)
            {
                _blocksByNode = index;
                _blocksByNodeBuilt = DateTime.UtcNow;
            }

            return _blocksByNode;
        }
    }

    private string? Pick(IReadOnlyList<string> values) => values.Count == 0 ? null : values[Next(values.Count)];

    private int Next(int maxExclusive)
    {
        lock (_random)
        {
            return _random.Next(maxExclusive);
        }
    }

    private string Hex(int length)
    {
        ulong seed;
        lock (_random)
        {
            seed = (ulong)_random.NextInt64();
        }

        return new SplitMix64(seed).Hex(length);
    }
}
