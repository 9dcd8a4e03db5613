namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>A clock that reads a fixed time, for the age rules (EmptyBlockMinReclaimAge, MinimumAge).</summary>
internal sealed class FixedClock : TimeProvider
{
    public FixedClock(DateTimeOffset now) => Now = now;

    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;
}
