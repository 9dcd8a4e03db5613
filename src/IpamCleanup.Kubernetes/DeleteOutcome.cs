namespace IpamCleanup.Kubernetes;

public enum DeleteOutcome
{
    Deleted,

    /// <summary>404: there was nothing to delete.</summary>
    NotFound,

    /// <summary>409: a precondition (UID, resourceVersion) or the soft-delete CAS failed. Nothing was deleted.</summary>
    Conflict,
}
