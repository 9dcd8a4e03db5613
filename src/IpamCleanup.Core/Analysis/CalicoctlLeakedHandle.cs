namespace IpamCleanup.Core.Analysis;

/// <summary>
/// A <c>leakedHandles</c> entry (Go <c>HandleInfo</c>, written with its Go field names <c>ID</c>, <c>UID</c>, <c>Revision</c>).
/// <see cref="Uid"/> is libcalico's view: bit-reversed (<see cref="Naming.CalicoUid"/>) for crd.projectcalico.org/v1
/// objects, the raw metadata.uid for projectcalico.org/v3 ones.
/// </summary>
public sealed record CalicoctlLeakedHandle(string Id, string? Uid, string Revision);
