namespace IpamCleanup.Core.Snapshot;

/// <summary>An IPAMHandle: <see cref="HandleId"/> is <c>spec.handleID</c> (case preserved), Name is the lower-cased object name.</summary>
public sealed record HandleInfo(
    string Name,
    string Uid,
    string ResourceVersion,
    DateTimeOffset? CreationTimestamp,
    string HandleId,
    IReadOnlyDictionary<string, int> Blocks);
