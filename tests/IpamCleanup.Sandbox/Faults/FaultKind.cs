namespace IpamCleanup.Sandbox;

/// <summary>The error a request is answered with instead of being executed.</summary>
internal enum FaultKind
{
    None,
    TooManyRequests,
    InternalError,
    ServiceUnavailable,
    Conflict,
    ExpiredContinue,
}
