using System.Collections.Concurrent;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// One async mutex per key (a block CIDR, a node name), so work items that touch the same object run one after the
/// other while the rest run in parallel. Entries live as long as the run; a run touches a bounded set of keys.
/// </summary>
internal sealed class KeyedLock
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<Releaser> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var semaphore = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(semaphore);
    }

    public readonly struct Releaser : IDisposable
    {
        private readonly SemaphoreSlim _semaphore;

        public Releaser(SemaphoreSlim semaphore) => _semaphore = semaphore;

        public void Dispose() => _semaphore?.Release();
    }
}
