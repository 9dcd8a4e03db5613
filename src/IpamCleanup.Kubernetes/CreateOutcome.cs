namespace IpamCleanup.Kubernetes;

public enum CreateOutcome
{
    Created,

    /// <summary>409 AlreadyExists: an object with that name exists (see <see cref="CreateResult.EarlierAttemptMayHaveApplied"/>).</summary>
    AlreadyExists,
}
