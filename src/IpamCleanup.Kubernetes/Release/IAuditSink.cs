namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// Receives one record per write attempt, from worker threads: implementations must be thread-safe and must not
/// call back into PowerShell. A throwing sink turns into a warning on the result of the write it describes.
/// </summary>
public interface IAuditSink
{
    void Write(AuditRecord record);
}
