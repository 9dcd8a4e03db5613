namespace IpamCleanup.Core.Analysis;

/// <summary>One pool's usage, like a row of <c>calicoctl ipam show</c>.</summary>
/// <param name="Cidr">Null for the orphaned-blocks group.</param>
/// <param name="Size">Addresses in the pool (for the orphaned group: in its blocks); saturates for ::/0.</param>
/// <param name="Allocated">Allocated ordinals in the pool's blocks (Windows-reserved and cooling-down ones included).</param>
public sealed record PoolUsage(string Name, string? Cidr, bool Disabled, int Blocks, UInt128 Size, long Allocated, UInt128 Free);
