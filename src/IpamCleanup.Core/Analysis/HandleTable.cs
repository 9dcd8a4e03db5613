using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// The sanitised handle IDs of one analysis run, each a slot number: the IPAMHandle object (the first with that ID),
/// whether any block attribute names it, and its allocations (an intrusive list through
/// <see cref="AllocationFacts.NextWithSameHandle"/>). Each ID is hashed once per object that names it; later steps
/// use the slot number. Slots live in a few large arrays rather than one object each: at 150,000 handles, objects
/// would be copied through every young-generation collection of the run.
/// </summary>
/// <remarks>
/// With plain IDs (<see cref="ClusterSnapshot.HandleIdsPlain"/>) slot i is handle i, found through the snapshot's own
/// index, and only IDs without a handle object get slots of their own. Otherwise every ID is indexed here.
/// <see cref="TryFind"/>, <see cref="MarkReferenced"/> and the readers may run on several threads at once, as long as
/// no slot is being added (<see cref="GetOrAdd"/>) or linked (<see cref="Push"/>) at the same time.
/// </remarks>
internal sealed class HandleTable
{
    public const int None = -1;

    private readonly ClusterSnapshot _snapshot;
    private readonly bool _plain;
    private readonly int[]? _slotOfHandle;
    private readonly Dictionary<string, int> _byId;
    private readonly List<int> _allocated;
    private string[] _ids;
    private HandleInfo?[] _infos;
    private bool[] _referenced;
    private AllocationFacts?[] _heads;
    private int _count;

    public HandleTable(ClusterSnapshot snapshot)
    {
        _snapshot = snapshot;
        _plain = snapshot.HandleIdsPlain;
        var handles = snapshot.Handles;
        _ids = new string[handles.Count];
        _infos = new HandleInfo?[handles.Count];
        _referenced = new bool[handles.Count];
        _heads = new AllocationFacts?[handles.Count];
        _allocated = new List<int>(handles.Count);
        if (_plain)
        {
            _byId = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < handles.Count; i++)
            {
                _ids[i] = handles[i].HandleId;
                _infos[i] = handles[i];
            }

            _count = handles.Count;
            return;
        }

        // The first handle object with a sanitised ID is the one the rules see.
        _byId = new Dictionary<string, int>(handles.Count, StringComparer.Ordinal);
        _slotOfHandle = new int[handles.Count];
        for (var i = 0; i < handles.Count; i++)
        {
            var id = CalicoHandles.Sanitize(handles[i].HandleId) ?? string.Empty;
            if (!_byId.TryGetValue(id, out var slot))
            {
                slot = Add(id, handles[i]);
            }

            _slotOfHandle[i] = slot;
        }
    }

    /// <summary>The slots holding allocations, in the order their first allocation was linked.</summary>
    public IReadOnlyList<int> AllocatedSlots => _allocated;

    /// <summary>The slot the rules use for handle object <paramref name="handleIndex"/> (its own, or the first with its ID).</summary>
    public int SlotOfHandle(int handleIndex) => _slotOfHandle is null ? handleIndex : _slotOfHandle[handleIndex];

    public bool TryFind(string id, out int slot)
    {
        if (_plain && _snapshot.TryGetHandleIndex(id, out slot))
        {
            return true;
        }

        return _byId.TryGetValue(id, out slot);
    }

    /// <summary>The slot of a sanitised ID, added (without a handle object) when it has none yet.</summary>
    public int GetOrAdd(string id) => TryFind(id, out var slot) ? slot : Add(id, null);

    public string Id(int slot) => _ids[slot];

    /// <summary>The IPAMHandle object; null when no handle object has this ID.</summary>
    public HandleInfo? Info(int slot) => _infos[slot];

    public bool IsReferenced(int slot) => _referenced[slot];

    /// <summary>Some block attribute names this ID. Safe from several threads (they all write true).</summary>
    public void MarkReferenced(int slot) => _referenced[slot] = true;

    /// <summary>The last allocation linked to this slot; the rest follow <see cref="AllocationFacts.NextWithSameHandle"/>.</summary>
    public AllocationFacts? Head(int slot) => _heads[slot];

    public void Push(int slot, AllocationFacts allocation)
    {
        if (_heads[slot] is null)
        {
            _allocated.Add(slot);
        }

        allocation.NextWithSameHandle = _heads[slot];
        _heads[slot] = allocation;
    }

    private int Add(string id, HandleInfo? info)
    {
        if (_count == _ids.Length)
        {
            var size = Math.Max(16, 2 * _count);
            Array.Resize(ref _ids, size);
            Array.Resize(ref _infos, size);
            Array.Resize(ref _referenced, size);
            Array.Resize(ref _heads, size);
        }

        var slot = _count++;
        _ids[slot] = id;
        _infos[slot] = info;
        _byId.Add(id, slot);
        return slot;
    }
}
