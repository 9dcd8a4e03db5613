namespace IpamCleanup.Sandbox;

/// <summary>What happens to one request: a delay, maybe an injected error, maybe a cut connection.</summary>
internal readonly record struct FaultDecision(int LatencyMs, FaultKind Kind, int RetryAfterSeconds, bool DropConnection);
