namespace IpamCleanup.Core.Analysis;

/// <summary>One node's IPAM footprint.</summary>
/// <param name="Exists">False for a node that only appears in block affinities or allocation attributes.</param>
/// <param name="AffineBlocks">Blocks whose affinity is host:&lt;node&gt; (IPv4 and IPv6).</param>
/// <param name="MaxBlocksPerHost">IPAMConfig maxBlocksPerHost (20 when unset).</param>
/// <param name="Allocations">Allocations attributed to the node (attribute node, else the block's host), as calicoctl counts them.</param>
/// <param name="Borrowed">Of those, the ones in blocks not affine to the node.</param>
public sealed record NodeUsage(string Name, bool Exists, int AffineBlocks, int MaxBlocksPerHost, int Allocations, int Borrowed)
{
    public bool AtBlockLimit => AffineBlocks >= MaxBlocksPerHost;
}
