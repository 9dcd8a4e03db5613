namespace IpamCleanup.Kubernetes;

public enum UpdateOutcome
{
    /// <summary>Written; <see cref="UpdateResult.Object"/> is the object as stored (with its new resourceVersion).</summary>
    Updated,

    /// <summary>409: the resourceVersion was stale. Nothing was written; re-read and re-evaluate.</summary>
    Conflict,

    /// <summary>404: the object no longer exists.</summary>
    NotFound,
}
