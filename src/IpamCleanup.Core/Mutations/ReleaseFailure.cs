using System.Net;

namespace IpamCleanup.Core.Mutations;

/// <summary>The first request that made a batch fail; the block was left unchanged.</summary>
public sealed record ReleaseFailure(IPAddress Address, ReleaseFailureReason Reason, string Message);
