using IpamCleanup.Kubernetes.Release;

namespace IpamCleanup.Commands;

/// <summary>The audit log of one cmdlet run: the sink plus who, where and under which change request.</summary>
public sealed class CmdletAudit : IDisposable
{
    private readonly JsonLinesAuditSink _sink;

    internal CmdletAudit(JsonLinesAuditSink sink, string context, string server, string? changeRequest)
    {
        _sink = sink;
        Context = context;
        Server = server;
        ChangeRequest = changeRequest;
    }

    public string Context { get; }

    public string Server { get; }

    public IAuditSink Sink => _sink;

    public string Path => _sink.Path;

    public string? ChangeRequest { get; }

    public string? ClusterGuid { get; set; }

    public void Record(string objectName, string action, string? resourceVersionBefore, string? resourceVersionAfter, string result, string? message, string objectKind = "ClusterInformation") =>
        _sink.Write(new AuditRecord
        {
            Time = DateTimeOffset.UtcNow,
            User = Environment.UserName,
            Context = Context,
            Server = Server,
            ClusterGuid = ClusterGuid,
            ChangeRequest = ChangeRequest,
            ObjectKind = objectKind,
            ObjectName = objectName,
            ResourceVersionBefore = resourceVersionBefore,
            ResourceVersionAfter = resourceVersionAfter,
            Action = action,
            Result = result,
            Message = message,
        });

    public void Dispose() => _sink.Dispose();
}
