using System.Diagnostics;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// A token bucket shared by every request of one run (generic cell rate algorithm: each request reserves the next
/// slot, 1/rate apart, with a burst of <see cref="Burst"/> slots available at once). Reservations are made under a
/// lock, the wait happens outside it, so concurrent workers queue fairly in arrival order.
/// </summary>
internal sealed class RequestRateLimiter
{
    private readonly object _gate = new();
    private readonly long _interval;
    private readonly long _tolerance;
    private long _theoreticalArrival;

    /// <param name="requestsPerSecond">Positive; <see cref="double.PositiveInfinity"/> means no cap.</param>
    public RequestRateLimiter(double requestsPerSecond)
    {
        if (double.IsNaN(requestsPerSecond) || requestsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "The request rate must be positive.");
        }

        Unlimited = double.IsPositiveInfinity(requestsPerSecond);
        Burst = Unlimited ? int.MaxValue : Math.Max(1, (int)Math.Ceiling(requestsPerSecond / 10));
        _interval = Unlimited ? 0 : Math.Max(1, (long)(Stopwatch.Frequency / requestsPerSecond));
        _tolerance = _interval * (Burst - 1L);
        _theoreticalArrival = Stopwatch.GetTimestamp();
    }

    public bool Unlimited { get; }

    /// <summary>How many requests may start back to back after an idle period: a tenth of a second's worth, at least one.</summary>
    public int Burst { get; }

    /// <summary>Waits until <paramref name="requests"/> more requests may be sent.</summary>
    public ValueTask WaitAsync(int requests, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Unlimited || requests <= 0)
        {
            return ValueTask.CompletedTask;
        }

        long wait;
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var arrival = Math.Max(_theoreticalArrival, now);
            wait = arrival - _tolerance - now;
            _theoreticalArrival = arrival + (_interval * requests);
        }

        return wait <= 0
            ? ValueTask.CompletedTask
            : new ValueTask(Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken));
    }
}
