using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>A block with its structural problems and its allocated ordinals, as the analysis sees them.</summary>
internal sealed class BlockFacts
{
    public BlockFacts(BlockInfo info, IReadOnlyList<string> problems)
    {
        Info = info;
        Problems = problems;
        Cidr = info.Cidr.ToString();
        if (info.Cidr.IsValid)
        {
            Base = IpKey.From(info.Cidr.Network);
        }
    }

    public BlockInfo Info { get; }

    /// <summary>Go canonical CIDR text.</summary>
    public string Cidr { get; }

    public IpKey Base { get; }

    public IReadOnlyList<string> Problems { get; }

    public bool IsCorrupt => Problems.Count > 0;

    public List<AllocationFacts> Allocations { get; } = new();

    public string CorruptReason => "block " + Cidr + " is corrupt (" + string.Join("; ", Problems) + "), so nothing in it is released";
}
