using System.Text.Json.Nodes;

namespace IpamCleanup.Kubernetes;

/// <summary>The outcome of a compare-and-swap PUT.</summary>
/// <param name="Object">The stored object after <see cref="UpdateOutcome.Updated"/>; null otherwise.</param>
/// <param name="Message">The API server's Status message for Conflict and NotFound.</param>
/// <param name="EarlierAttemptMayHaveApplied">
/// An earlier attempt's response was lost (dropped connection, timeout, 5xx) before this outcome: a Conflict may then be
/// our own write having landed. The caller re-reads either way.
/// </param>
public sealed record UpdateResult(UpdateOutcome Outcome, JsonObject? Object, string? Message, bool EarlierAttemptMayHaveApplied)
{
    public bool IsUpdated => Outcome == UpdateOutcome.Updated;
}
