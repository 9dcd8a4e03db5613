namespace IpamCleanup.Sandbox;

/// <summary>An allocation the generator made leak on purpose.</summary>
/// <param name="Ip">The address.</param>
/// <param name="HandleId">The allocation's handle (an IPAMHandle exists for it).</param>
/// <param name="BlockName">The IPAMBlock object holding it.</param>
/// <param name="Node">The node recorded in the attribute.</param>
/// <param name="Namespace">The pod's namespace; null for tunnel addresses.</param>
/// <param name="Pod">The (missing) pod; null for tunnel addresses.</param>
public sealed record LeakedAllocation(string Ip, string HandleId, string BlockName, string Node, string? Namespace, string? Pod);
