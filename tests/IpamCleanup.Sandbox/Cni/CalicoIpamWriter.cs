using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>
/// The simulated CNI's datastore writes, each a libcalico-style compare-and-swap loop: re-read, edit,
/// write with the read resourceVersion, retry on 409 (up to 100 times, as libcalico's datastoreRetries).
/// </summary>
internal sealed class CalicoIpamWriter
{
    private const int MaxRetries = 100;

    private readonly SandboxStore _store;
    private readonly string _calico;
    private readonly Action<string>? _beforeAllocationWrite;
    private long _conflicts;

    public CalicoIpamWriter(SandboxStore store, Action<string>? beforeAllocationWrite = null)
    {
        _store = store;
        _calico = store.Catalog.CalicoApiVersion;
        _beforeAllocationWrite = beforeAllocationWrite;
    }

    /// <summary>Compare-and-swap conflicts hit (and retried).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>Allocates the head of the block's free list to the handle (handle first, as Calico does); returns the address or null.</summary>
    public string? AllocateInBlock(string blockName, string handleId, string node, JsonObject secondary)
    {
        var block = _store.Get(_calico, "ipamblocks", null, blockName);
        if (block?["spec"]?["unallocated"] is not JsonArray { Count: > 0 } || !IsAffineTo(block, node))
        {
            return null;
        }

        var cidr = block["spec"]!["cidr"]!.GetValue<string>();

        // Calico increments the handle before it writes the block, so an ADD in flight has a handle without an allocation.
        IncrementHandle(handleId, cidr);
        var attribute = new JsonObject { ["handle_id"] = handleId, ["secondary"] = secondary };
        var written = false;
        try
        {
            for (var attempt = 0; attempt < MaxRetries; attempt++)
            {
                // Re-read on every attempt: a cleanup may have released the block's affinity or deleted it meanwhile.
                var current = _store.Get(_calico, "ipamblocks", null, blockName);
                var ordinal = current is null || !IsAffineTo(current, node) ? -1 : BlockEdits.Allocate(current, attribute);
                if (ordinal < 0)
                {
                    break;
                }

                _beforeAllocationWrite?.Invoke(blockName);
                if (TryReplace(current!))
                {
                    written = true;
                    return AddressOf(cidr, ordinal);
                }
            }
        }
        catch (SandboxApiException e) when (e.Code == 404)
        {
            // Deleted between our read and our write (a cleanup released the empty block): as gone as a block we
            // cannot read, so this ADD tries its next block.
        }
        finally
        {
            // libcalico's assignFromExistingBlock: every block write that does not land (conflicts exhausted, block
            // gone, any other error) takes the handle increment back before the ADD moves on or fails.
            if (!written)
            {
                DecrementHandle(handleId, new Dictionary<string, int> { [cidr] = 1 });
            }
        }

        return null;
    }

    /// <summary>The blocks the handle says it holds addresses in; empty when the handle is gone.</summary>
    public List<string> BlocksOfHandle(string handleId) =>
        _store.Get(_calico, "ipamhandles", null, CalicoNames.HandleName(handleId))?["spec"]?["block"] is JsonObject blocks
            ? blocks.Select(b => CalicoNames.BlockName(b.Key)).ToList()
            : [];

    /// <summary>Releases every ordinal of the handle in the given blocks; returns cidr → released count.</summary>
    public Dictionary<string, int> ReleaseByHandle(string handleId, IEnumerable<string> blockNames)
    {
        var released = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var blockName in blockNames)
        {
            for (var attempt = 0; attempt < MaxRetries; attempt++)
            {
                var block = _store.Get(_calico, "ipamblocks", null, blockName);
                var ordinals = block is null ? [] : BlockEdits.OrdinalsOf(block, handleId);
                if (ordinals.Count == 0)
                {
                    break;
                }

                var cidr = block!["spec"]!["cidr"]!.GetValue<string>();
                if (ReleaseOrDelete(block, ordinals))
                {
                    released[cidr] = ordinals.Count;
                    break;
                }
            }
        }

        return released;
    }

    public void IncrementHandle(string handleId, string cidr)
    {
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            var handle = _store.Get(_calico, "ipamhandles", null, CalicoNames.HandleName(handleId));
            if (handle is null)
            {
                try
                {
                    _store.Create(NewHandle(handleId, cidr));
                    return;
                }
                catch (SandboxApiException e) when (e.Code == 409)
                {
                    Interlocked.Increment(ref _conflicts);
                    continue;
                }
            }

            var blocks = handle["spec"]!["block"] as JsonObject ?? [];
            handle["spec"]!["block"] = blocks;
            blocks[cidr] = (blocks[cidr]?.GetValue<int>() ?? 0) + 1;
            if (TryReplace(handle))
            {
                return;
            }
        }
    }

    public void DecrementHandle(string handleId, Dictionary<string, int> released)
    {
        for (var attempt = 0; attempt < MaxRetries && released.Count > 0; attempt++)
        {
            var handle = _store.Get(_calico, "ipamhandles", null, CalicoNames.HandleName(handleId));
            if (handle is null)
            {
                return;
            }

            var blocks = handle["spec"]!["block"] as JsonObject ?? [];
            foreach (var (cidr, count) in released)
            {
                var left = (blocks[cidr]?.GetValue<int>() ?? 0) - count;
                if (left > 0)
                {
                    blocks[cidr] = left;
                }
                else
                {
                    blocks.Remove(cidr);
                }
            }

            if (blocks.Count > 0)
            {
                if (TryReplace(handle))
                {
                    return;
                }

                continue;
            }

            // libcalico's KDD delete: a soft-delete write is the CAS, then DELETE with the UID precondition.
            handle["spec"]!["deleted"] = true;
            if (TryReplace(handle))
            {
                var uid = handle["metadata"]!["uid"]!.GetValue<string>();
                _store.Delete(_calico, "ipamhandles", null, CalicoNames.HandleName(handleId), uid: uid);
                return;
            }
        }
    }

    public bool TryReplace(JsonObject obj)
    {
        try
        {
            _store.Replace(obj);
            return true;
        }
        catch (SandboxApiException e) when (e.Code == 409)
        {
            Interlocked.Increment(ref _conflicts);
            return false;
        }
    }

    public void UpdateWithRetry(string apiVersion, string plural, string ns, string name, Action<JsonObject> edit)
    {
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            var current = _store.Get(apiVersion, plural, ns, name) ?? throw ApiErrors.NotFound(_store.Catalog.GetByPlural(apiVersion, plural), name);
            edit(current);
            if (TryReplace(current))
            {
                return;
            }
        }
    }

    /// <summary>Whether <paramref name="ip"/> is still allocated to <paramref name="handleId"/> in the block.</summary>
    public bool IsAllocated(string blockName, string handleId, string ip)
    {
        var block = _store.Get(_calico, "ipamblocks", null, blockName);
        if (block is null)
        {
            return false;
        }

        var cidr = block["spec"]!["cidr"]!.GetValue<string>();
        return BlockEdits.OrdinalsOf(block, handleId).Any(o => AddressOf(cidr, o) == ip);
    }

    /// <summary>
    /// Calico deletes a block that a release leaves empty and without affinity (the soft-delete write is the
    /// compare-and-swap, then DELETE with the UID precondition); otherwise it writes the released block.
    /// </summary>
    private bool ReleaseOrDelete(JsonObject block, List<int> ordinals)
    {
        var spec = block["spec"]!.AsObject();
        var allocatedAfter = spec["allocations"]!.AsArray().Select((a, i) => (a, i)).Count(x => x.a is not null && !ordinals.Contains(x.i));
        if (allocatedAfter > 0 || spec["affinity"] is JsonValue)
        {
            BlockEdits.Release(block, ordinals);
            return TryReplace(block);
        }

        spec["deleted"] = true;
        if (!TryReplace(block))
        {
            return false;
        }

        _store.Delete(_calico, "ipamblocks", null, block["metadata"]!["name"]!.GetValue<string>(), uid: block["metadata"]!["uid"]!.GetValue<string>());
        return true;
    }

    private static bool IsAffineTo(JsonObject block, string node) => block["spec"]?["affinity"]?.GetValue<string>() == "host:" + node;

    private static string AddressOf(string cidr, int ordinal) => AddressPool.ForBlock(cidr).Address(0, ordinal);

    private JsonObject NewHandle(string handleId, string cidr) => new()
    {
        ["apiVersion"] = _calico,
        ["kind"] = "IPAMHandle",
        ["metadata"] = new JsonObject { ["name"] = CalicoNames.HandleName(handleId) },
        ["spec"] = new JsonObject
        {
            ["block"] = new JsonObject { [cidr] = 1 },
            ["deleted"] = false,
            ["handleID"] = handleId,
        },
    };
}
