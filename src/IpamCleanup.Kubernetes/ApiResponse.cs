namespace IpamCleanup.Kubernetes;

/// <summary>A complete response: status and the body bytes (pooled; dispose after use).</summary>
internal sealed class ApiResponse : IDisposable
{
    private KubeStatus? _status;

    public ApiResponse(int statusCode, PooledBuffer body, bool earlierAttemptMayHaveApplied)
    {
        StatusCode = statusCode;
        Body = body;
        EarlierAttemptMayHaveApplied = earlierAttemptMayHaveApplied;
    }

    public int StatusCode { get; }

    public PooledBuffer Body { get; }

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// True when a write was retried after an attempt whose outcome is unknown (dropped connection, timeout, 5xx):
    /// that earlier attempt may have been applied, so a 409 or 404 now may be our own doing.
    /// </summary>
    public bool EarlierAttemptMayHaveApplied { get; }

    public KubeStatus Status => _status ??= KubeStatus.Parse(StatusCode, Body.Span);

    public void Dispose() => Body.Dispose();
}
