using System.Net;

namespace IpamCleanup.Core.Mutations;

/// <summary>
/// One address to release from a block, with what the caller saw at scan time: the release is refused when the
/// stored (sanitised) handle or the ordinal's sequence number differs. Null (or an empty handle) skips that check.
/// </summary>
public sealed record ReleaseRequest(IPAddress Address, string? Handle, ulong? SequenceNumber);
