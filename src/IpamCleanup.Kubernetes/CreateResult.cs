using System.Text.Json.Nodes;

namespace IpamCleanup.Kubernetes;

/// <summary>The outcome of a POST.</summary>
/// <param name="Object">The stored object after <see cref="CreateOutcome.Created"/>; null otherwise.</param>
/// <param name="EarlierAttemptMayHaveApplied">
/// AlreadyExists after a retried attempt whose response was lost: the object may have been created by this very call.
/// Compare it with what was sent before treating it as someone else's.
/// </param>
public sealed record CreateResult(CreateOutcome Outcome, JsonObject? Object, string? Message, bool EarlierAttemptMayHaveApplied)
{
    public bool IsCreated => Outcome == CreateOutcome.Created;
}
