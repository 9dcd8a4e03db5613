namespace IpamCleanup.Sandbox;

/// <summary>An address the simulated CNI holds for a pod it set up and has not yet started tearing down.</summary>
public sealed record CniAllocation(string Ip, string Namespace, string Pod, string HandleId, string BlockName, string Node);
