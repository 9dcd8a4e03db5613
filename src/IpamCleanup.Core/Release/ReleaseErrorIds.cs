namespace IpamCleanup.Core.Release;

/// <summary>
/// The stable ErrorIds of failed release results raised by the release code itself. API failures keep the client's
/// ErrorId (ApiServerForbidden, ApiServerUnreachable, ApiServerError, ...).
/// </summary>
public static class ReleaseErrorIds
{
    /// <summary>A finding of a kind the release cmdlets never act on (report-only kinds).</summary>
    public const string FindingNotReleasable = nameof(FindingNotReleasable);

    /// <summary>A finding that lacks the data a safe write needs (block, IP, handle name...).</summary>
    public const string FindingIncomplete = nameof(FindingIncomplete);

    /// <summary>A failed result that carries no exception of its own (the cmdlets' fallback ErrorId).</summary>
    public const string ReleaseRequestFailed = nameof(ReleaseRequestFailed);

    /// <summary>An object read at write time could not be parsed or edited.</summary>
    public const string ReleaseObjectInvalid = nameof(ReleaseObjectInvalid);

    /// <summary>The backup file could not be written; nothing was changed.</summary>
    public const string BackupFailed = nameof(BackupFailed);
}
