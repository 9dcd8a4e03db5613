namespace IpamCleanup.Core.Mutations;

public enum HandleDecrementOutcome
{
    /// <summary>The handle still references blocks: PUT it.</summary>
    Updated,

    /// <summary>The handle references no block any more: delete it (soft-delete PUT, then DELETE with the UID).</summary>
    NowEmpty,

    /// <summary>The entry was missing or would go negative; nothing changed, log the warning.</summary>
    Inconsistent,
}
