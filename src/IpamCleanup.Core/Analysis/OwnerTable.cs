using System.Runtime.InteropServices;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// The live owners of each claimed address, each address a slot number: almost always exactly one owner, the
/// display names built on first use, and the first allocation of the address in scan order. Slots live in a few
/// large arrays rather than one object each (at 150,000 addresses objects would be copied through every
/// young-generation collection of the run). Detached slots (<see cref="Detached"/>) hold owner lists that belong to no
/// address key (the per-allocation Windows-reserved marks); they come after every address slot.
/// </summary>
/// <remarks>
/// <see cref="TryFind"/> and the readers may run on several threads at once while nothing is being added or changed.
/// </remarks>
internal sealed class OwnerTable
{
    public const int None = -1;

    private readonly Dictionary<IpKey, int> _byIp;
    private IpKey[] _ips;
    private Owner[] _first;
    private List<Owner>?[] _more;
    private string[]?[] _names;
    private AllocationFacts?[] _firstAllocation;
    private int _count;

    public OwnerTable(int capacity)
    {
        _byIp = new Dictionary<IpKey, int>(capacity);
        _ips = new IpKey[capacity];
        _first = new Owner[capacity];
        _more = new List<Owner>?[capacity];
        _names = new string[]?[capacity];
        _firstAllocation = new AllocationFacts?[capacity];
    }

    /// <summary>Slots <c>[0, AddressCount)</c> are the claimed addresses, in the order first claimed.</summary>
    public int AddressCount { get; private set; }

    /// <summary>Addresses with more than one owner.</summary>
    public int SharedAddresses { get; private set; }

    /// <summary>Records that <paramref name="owner"/> claims <paramref name="ip"/>; returns the address's slot.</summary>
    public int Claim(IpKey ip, Owner owner)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_byIp, ip, out var exists);
        if (exists)
        {
            var before = Count(slot);
            Add(slot, owner);
            SharedAddresses += before == 1 && Count(slot) > 1 ? 1 : 0;
            return slot;
        }

        if (AddressCount != _count)
        {
            _byIp.Remove(ip);
            throw new InvalidOperationException("Addresses are claimed before any detached owner list is made.");
        }

        slot = NewSlot(owner);
        _ips[slot] = ip;
        AddressCount++;
        return slot;
    }

    public bool TryFind(IpKey ip, out int slot) => _byIp.TryGetValue(ip, out slot);

    /// <summary>An owner list of its own, under no address.</summary>
    public int Detached(Owner first) => NewSlot(first);

    /// <summary>Adds an owner unless one with the same kind and identity is already there.</summary>
    public void Add(int slot, Owner owner)
    {
        if (_first[slot].SameAs(owner) || (_more[slot] is { } more && more.Exists(o => o.SameAs(owner))))
        {
            return;
        }

        (_more[slot] ??= new List<Owner>(1)).Add(owner);
        _names[slot] = null;
    }

    public IpKey Ip(int slot) => _ips[slot];

    public Owner First(int slot) => _first[slot];

    public int Count(int slot) => 1 + (_more[slot]?.Count ?? 0);

    public IEnumerable<Owner> All(int slot)
    {
        yield return _first[slot];
        if (_more[slot] is { } more)
        {
            foreach (var owner in more)
            {
                yield return owner;
            }
        }
    }

    /// <summary>The display names, built once and shared by every allocation of the address.</summary>
    public string[] Names(int slot) => _names[slot] ??= All(slot).Select(o => o.Name).ToArray();

    /// <summary>The first allocation of the address in scan order (block order, then ordinal); null when IPAM has not allocated it.</summary>
    public AllocationFacts? FirstAllocation(int slot) => _firstAllocation[slot];

    public void SetFirstAllocation(int slot, AllocationFacts allocation) => _firstAllocation[slot] = allocation;

    private int NewSlot(Owner first)
    {
        if (_count == _first.Length)
        {
            var size = Math.Max(16, 2 * _count);
            Array.Resize(ref _ips, size);
            Array.Resize(ref _first, size);
            Array.Resize(ref _more, size);
            Array.Resize(ref _names, size);
            Array.Resize(ref _firstAllocation, size);
        }

        var slot = _count++;
        _first[slot] = first;
        return slot;
    }
}
