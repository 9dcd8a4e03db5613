namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// One write attempt and its outcome, as written to the audit log. Never carries credentials: the server is the
/// redacted URL the client prints, and nothing from the kubeconfig user entry is recorded.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>When the write completed (UTC).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The operating-system user running the tool (<see cref="Environment.UserName"/>).</summary>
    public required string User { get; init; }

    public required string Context { get; init; }

    public required string Server { get; init; }

    public string? ClusterGuid { get; init; }

    public string? ChangeRequest { get; init; }

    /// <summary>"IPAMBlock", "IPAMHandle" or "BlockAffinity".</summary>
    public required string ObjectKind { get; init; }

    public required string ObjectName { get; init; }

    public string? ResourceVersionBefore { get; init; }

    /// <summary>The resourceVersion the API returned; null for deletes and for writes that did not happen.</summary>
    public string? ResourceVersionAfter { get; init; }

    /// <summary>What was attempted: "ReleaseAddresses", "DeleteBlock", "DecrementHandle", "DeleteHandle", "MarkAffinityPendingDeletion", ...</summary>
    public required string Action { get; init; }

    /// <summary>"Updated", "Deleted", "Conflict", "NotFound", "Failed" or "Canceled".</summary>
    public required string Result { get; init; }

    public string? Message { get; init; }
}
