namespace IpamCleanup.Core.Analysis;

/// <summary>
/// One allocated ordinal as the analysis judged it; the per-IP data of a calicoctl report.
/// <see cref="Releasable"/> is true only for a leak this module would release now; everything else (in use, unknown,
/// partial handle, too young, corrupt block, Windows-reserved, cooling down) is "in use" as far as a report goes.
/// A read-only view: text such as <see cref="IP"/> and <see cref="Owners"/> is built on first read, because at
/// cluster scale most of it is never looked at.
/// </summary>
public sealed class AllocationState
{
    private readonly AllocationFacts _facts;

    internal AllocationState(AllocationFacts facts) => _facts = facts;

    /// <summary>The address in Go's text form.</summary>
    public string IP => _facts.IpText;

    /// <summary>The block CIDR in Go canonical form.</summary>
    public string Block => _facts.Block.Cidr;

    public int Ordinal => _facts.Ordinal;

    /// <summary>The handle as stored in the block (unsanitised), null when the attribute has none.</summary>
    public string? Handle => _facts.RawHandle;

    /// <summary><c>sequenceNumberForAllocation[ordinal]</c>, 0 when missing.</summary>
    public ulong SequenceNumber => _facts.Sequence;

    public string? Pod => _facts.Pod;

    public string? Namespace => _facts.Namespace;

    /// <summary>The attribute's node, else the node of the block's host affinity (calicoctl's rule).</summary>
    public string? Node => _facts.ReportNode;

    public string? Type => _facts.Type;

    /// <summary>The raw <c>timestamp</c> attribute (Go time text).</summary>
    public string? Timestamp => _facts.TimestampText;

    /// <summary>The allocation's node differs from the block's host affinity.</summary>
    public bool Borrowed => _facts.Borrowed;

    public bool CoolingDown => _facts.Verdict == AllocationVerdict.CoolingDown;

    public bool WindowsReserved => _facts.Verdict == AllocationVerdict.WindowsReserved;

    public bool Releasable => _facts.Releasable;

    /// <summary>
    /// What the allocation is as a finding (LeakedIp, LeakedTunnelIp, PartialHandle, UnknownAllocation, CoolingDown),
    /// whether or not that finding was emitted; null for addresses in use and Windows-reserved ones.
    /// </summary>
    public FindingKind? Kind => _facts.Kind;

    /// <summary>Who uses the address: "Workload(ns/name)", "Node(name)", "Service(ns/name)", "Reserved for Windows".</summary>
    public IReadOnlyList<string> Owners => _facts.OwnerNames ?? Array.Empty<string>();

    public override string ToString() => IP + " " + Block + (Releasable ? " releasable" : " in use");

    public override bool Equals(object? obj) => obj is AllocationState other && ReferenceEquals(other._facts, _facts);

    public override int GetHashCode() => _facts.GetHashCode();
}
