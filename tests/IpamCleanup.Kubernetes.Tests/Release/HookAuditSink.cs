using System.Collections.Concurrent;
using IpamCleanup.Kubernetes.Release;

namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>
/// Records every audited write and runs a hook right after it, on the worker thread, before the engine's next
/// request: the precise place to inject a concurrent change or a crash between two writes.
/// </summary>
internal sealed class HookAuditSink : IAuditSink
{
    private readonly Action<AuditRecord>? _hook;

    public HookAuditSink(Action<AuditRecord>? hook = null) => _hook = hook;

    public ConcurrentQueue<AuditRecord> Records { get; } = new();

    public void Write(AuditRecord record)
    {
        Records.Enqueue(record);
        _hook?.Invoke(record);
    }
}
