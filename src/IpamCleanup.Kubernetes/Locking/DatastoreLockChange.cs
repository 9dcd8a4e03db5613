namespace IpamCleanup.Kubernetes.Locking;

/// <summary>The state before and after a lock or unlock; <see cref="Changed"/> is false when nothing was written.</summary>
public sealed record DatastoreLockChange(DatastoreLockState Before, DatastoreLockState After, bool Changed, int Conflicts);
