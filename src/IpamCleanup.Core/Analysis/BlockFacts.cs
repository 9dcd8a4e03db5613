using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>A block with its structural problems and its allocated ordinals, as the analysis sees them.</summary>
internal sealed class BlockFacts
{
    public BlockFacts(BlockInfo info, IReadOnlyList<string> problems, OwnerTable? ownerTable = null)
    {
        Info = info;
        OwnerTable = ownerTable;
        Problems = problems;
        Cidr = info.Cidr.ToString();
        AffinityHost = info.AffinityHost;
        AffinityType = info.AffinityType;
        if (info.Cidr.IsValid)
        {
            Base = IpKey.From(info.Cidr.Network);
        }
    }

    public BlockInfo Info { get; }

    /// <summary>The run's owner table, which the allocations' <see cref="AllocationFacts.OwnerSlot"/> numbers refer to.</summary>
    public OwnerTable? OwnerTable { get; }

    /// <summary>Go canonical CIDR text.</summary>
    public string Cidr { get; }

    public IpKey Base { get; }

    /// <summary><see cref="BlockInfo.AffinityHost"/>, worked out once (every allocation of the block asks for it).</summary>
    public string? AffinityHost { get; }

    /// <summary><see cref="BlockInfo.AffinityType"/>, worked out once.</summary>
    public string? AffinityType { get; }

    public IReadOnlyList<string> Problems { get; }

    public bool IsCorrupt => Problems.Count > 0;

    public List<AllocationFacts> Allocations { get; } = new();

    /// <summary>Set by the scan when an attribute names a handle ID that has no IPAMHandle object.</summary>
    public bool HasUnknownHandles { get; set; }

    public string CorruptReason => "block " + Cidr + " is corrupt (" + string.Join("; ", Problems) + "), so nothing in it is released";
}
