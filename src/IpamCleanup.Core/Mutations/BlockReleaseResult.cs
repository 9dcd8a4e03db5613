using System.Net;

namespace IpamCleanup.Core.Mutations;

/// <summary>
/// The outcome of <see cref="BlockRelease.ReleaseClassic"/> or <see cref="BlockRelease.ReleaseWithCooldown"/>. On failure nothing was modified. On success the caller
/// writes the block only when <see cref="BlockModified"/>: by deleting it when <see cref="ShouldDeleteBlock"/>
/// (soft-delete PUT, then DELETE with the UID precondition), otherwise by a PUT with the read resourceVersion; then it
/// decrements each handle in <see cref="ReleasedByHandle"/>.
/// </summary>
public sealed class BlockReleaseResult
{
    private BlockReleaseResult(
        ReleaseFailure? failure,
        IReadOnlyList<IPAddress> released,
        IReadOnlyList<IPAddress> alreadyFree,
        IReadOnlyDictionary<string, int> releasedByHandle,
        bool blockIsEmpty,
        bool blockHasAffinity)
    {
        Failure = failure;
        Released = released;
        AlreadyFree = alreadyFree;
        ReleasedByHandle = releasedByHandle;
        BlockIsEmpty = blockIsEmpty;
        BlockHasAffinity = blockHasAffinity;
    }

    public bool Succeeded => Failure is null;

    public ReleaseFailure? Failure { get; }

    /// <summary>Addresses freed by this call, each once, in request order.</summary>
    public IReadOnlyList<IPAddress> Released { get; }

    /// <summary>Requested addresses that were not allocated (already released by someone else).</summary>
    public IReadOnlyList<IPAddress> AlreadyFree { get; }

    /// <summary>Sanitised handle → number of addresses freed; allocations without a handle are not counted.</summary>
    public IReadOnlyDictionary<string, int> ReleasedByHandle { get; }

    /// <summary>True when the block changed (and its sequence number was bumped); false means write nothing.</summary>
    public bool BlockModified => Released.Count > 0;

    /// <summary>libcalico's emptiness after the release: only Windows-reserved allocations (or none) remain.</summary>
    public bool BlockIsEmpty { get; }

    public bool BlockHasAffinity { get; }

    /// <summary>An empty block without affinity is deleted instead of updated, as libcalico's releaseIPsFromBlock does.</summary>
    public bool ShouldDeleteBlock => BlockModified && BlockIsEmpty && !BlockHasAffinity;

    internal static BlockReleaseResult Failed(ReleaseFailure failure) => new(
        failure,
        Array.Empty<IPAddress>(),
        Array.Empty<IPAddress>(),
        new Dictionary<string, int>(0, StringComparer.Ordinal),
        false,
        false);

    internal static BlockReleaseResult Success(
        IReadOnlyList<IPAddress> released,
        IReadOnlyList<IPAddress> alreadyFree,
        IReadOnlyDictionary<string, int> releasedByHandle,
        bool blockIsEmpty,
        bool blockHasAffinity) => new(null, released, alreadyFree, releasedByHandle, blockIsEmpty, blockHasAffinity);
}
