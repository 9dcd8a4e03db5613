namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// Counters of one engine, updated live from the workers (read them any time; the values only grow). Requests are
/// counted as the engine sends them; the client's own retries of 429/5xx/dropped connections are not included.
/// </summary>
public sealed class ReleaseStatistics
{
    private long _requests;
    private long _blockWrites;
    private long _handleWrites;
    private long _affinityWrites;
    private long _conflicts;
    private long _released;
    private long _skipped;
    private long _failed;

    /// <summary>Reads and writes sent (a soft delete counts its PUT and its DELETE).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Block writes that took effect or conflicted: PUTs and soft-delete PUTs (the follow-up DELETE is not counted).</summary>
    public long BlockWrites => Interlocked.Read(ref _blockWrites);

    /// <summary>Handle PUTs and soft-delete PUTs.</summary>
    public long HandleWrites => Interlocked.Read(ref _handleWrites);

    /// <summary>Affinity PUTs and soft-delete PUTs.</summary>
    public long AffinityWrites => Interlocked.Read(ref _affinityWrites);

    /// <summary>Writes answered 409 (each one was followed by a re-read and a re-evaluation, or ended the item).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    public long Released => Interlocked.Read(ref _released);

    public long Skipped => Interlocked.Read(ref _skipped);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>All object writes (<see cref="BlockWrites"/> + <see cref="HandleWrites"/> + <see cref="AffinityWrites"/>).</summary>
    public long Writes => BlockWrites + HandleWrites + AffinityWrites;

    public override string ToString() =>
        $"{Released} released, {Skipped} skipped, {Failed} failed; {Requests} requests, {Writes} writes ({BlockWrites} block, {HandleWrites} handle, {AffinityWrites} affinity), {Conflicts} conflicts";

    internal void AddRequests(int count) => Interlocked.Add(ref _requests, count);

    internal void AddWrite(CalicoKind kind)
    {
        switch (kind)
        {
            case CalicoKind.IpamBlock:
                Interlocked.Increment(ref _blockWrites);
                break;
            case CalicoKind.IpamHandle:
                Interlocked.Increment(ref _handleWrites);
                break;
            default:
                Interlocked.Increment(ref _affinityWrites);
                break;
        }
    }

    internal void AddConflict() => Interlocked.Increment(ref _conflicts);

    internal void Count(Core.Release.ReleaseStatus status)
    {
        switch (status)
        {
            case Core.Release.ReleaseStatus.Released:
                Interlocked.Increment(ref _released);
                break;
            case Core.Release.ReleaseStatus.Skipped:
                Interlocked.Increment(ref _skipped);
                break;
            default:
                Interlocked.Increment(ref _failed);
                break;
        }
    }
}
