namespace IpamCleanup.Core.Mutations;

/// <param name="Remaining">The block's count after the decrement (0 when its entry was removed); for an inconsistent
/// handle the count found, or null when the entry was missing.</param>
/// <param name="Warning">Set only for <see cref="HandleDecrementOutcome.Inconsistent"/>.</param>
public sealed record HandleDecrementResult(HandleDecrementOutcome Outcome, int? Remaining, string? Warning);
