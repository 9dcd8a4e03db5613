using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Release;

/// <summary>
/// The outcome for exactly one input finding. <see cref="Warnings"/> carry follow-up problems that did not undo the
/// release (a handle that could not be decremented after its addresses were freed, a stale affinity left behind).
/// </summary>
public sealed record ReleaseResult
{
    public required Finding Finding { get; init; }

    public required ReleaseStatus Status { get; init; }

    /// <summary>Set when <see cref="Status"/> is <see cref="ReleaseStatus.Skipped"/>.</summary>
    public ReleaseSkipReason? Reason { get; init; }

    /// <summary>One sentence saying what was done or why not, naming the object.</summary>
    public required string Message { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>Set when <see cref="Status"/> is <see cref="ReleaseStatus.Failed"/>.</summary>
    public IpamCleanupException? Error { get; init; }

    /// <summary>The stable ErrorId of <see cref="Error"/>.</summary>
    public string? ErrorId => Error?.ErrorId;

    /// <summary>"IPAMBlock", "IPAMHandle" or "BlockAffinity": the object the work item wrote (or would have).</summary>
    public string? ObjectKind { get; init; }

    public string? ObjectName { get; init; }

    /// <summary>The plan-order id of the work item that produced this result; null for results decided at planning.</summary>
    public int? WorkItemId { get; init; }

    public static ReleaseResult Released(Finding finding, ReleaseWorkItem? item, string message, IReadOnlyList<string>? warnings = null) => new()
    {
        Finding = finding,
        Status = ReleaseStatus.Released,
        Message = message,
        Warnings = warnings ?? Array.Empty<string>(),
        ObjectKind = item?.ObjectKind,
        ObjectName = item?.ObjectName,
        WorkItemId = item?.Id,
    };

    public static ReleaseResult Skipped(Finding finding, ReleaseWorkItem? item, ReleaseSkipReason reason, string message, IReadOnlyList<string>? warnings = null) => new()
    {
        Finding = finding,
        Status = ReleaseStatus.Skipped,
        Reason = reason,
        Message = message,
        Warnings = warnings ?? Array.Empty<string>(),
        ObjectKind = item?.ObjectKind,
        ObjectName = item?.ObjectName,
        WorkItemId = item?.Id,
    };

    public static ReleaseResult Failed(Finding finding, ReleaseWorkItem? item, IpamCleanupException error, IReadOnlyList<string>? warnings = null) => new()
    {
        Finding = finding,
        Status = ReleaseStatus.Failed,
        Message = error.Message,
        Error = error,
        Warnings = warnings ?? Array.Empty<string>(),
        ObjectKind = item?.ObjectKind,
        ObjectName = item?.ObjectName,
        WorkItemId = item?.Id,
    };
}
