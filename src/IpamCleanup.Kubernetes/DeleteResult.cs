namespace IpamCleanup.Kubernetes;

/// <summary>The outcome of a DELETE or of the soft-delete-then-delete protocol.</summary>
/// <param name="Message">The API server's Status message, or what the protocol concluded.</param>
/// <param name="EarlierAttemptMayHaveApplied">A retried attempt's response was lost first: a NotFound may be our own delete.</param>
public sealed record DeleteResult(DeleteOutcome Outcome, string? Message, bool EarlierAttemptMayHaveApplied)
{
    public bool IsDeleted => Outcome == DeleteOutcome.Deleted;
}
