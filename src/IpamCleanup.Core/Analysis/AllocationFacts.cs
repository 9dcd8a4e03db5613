using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// One allocated ordinal while it is being judged; mutable only inside one analysis run. There is one per allocation
/// (150,000 and more at scale), so whatever follows from the block and the attribute is read from them on demand
/// rather than copied into every instance, and what only findings need lives in a part made on first use.
/// </summary>
internal sealed class AllocationFacts
{
    // The reason text, or the Func<AllocationFacts, string> that builds it on first use.
    private object? _reason;
    private Details? _details;

    public AllocationFacts(BlockFacts block, int ordinal, AllocationAttribute? attribute, int handleSlot)
    {
        Block = block;
        Ordinal = ordinal;
        Attribute = attribute;
        HandleSlot = handleSlot;
    }

    public BlockFacts Block { get; }

    public int Ordinal { get; }

    public IpKey Ip => Block.Base.Plus(Ordinal);

    public string IpText => _details?.IpText ?? (More.IpText = Ip.ToString());

    public AllocationAttribute? Attribute { get; }

    public string? RawHandle => Attribute?.HandleId;

    /// <summary>The sanitised handle ('\r' suffix removed); null or empty when the attribute has none.</summary>
    public string? Handle => Attribute?.SanitizedHandleId;

    /// <summary>The run's <see cref="HandleTable"/> slot for <see cref="Handle"/>; <see cref="HandleTable.None"/> exactly when the handle is null or empty.</summary>
    public int HandleSlot { get; set; }

    /// <summary>The sequence number recorded when the ordinal was allocated (looked up on demand: few are ever asked for).</summary>
    public ulong Sequence => Block.Info.SequenceNumberOf(Ordinal);

    public string? AttributeNode => NullIfEmpty(Attribute?.Node);

    public string? Pod => NullIfEmpty(Attribute?.Pod);

    public string? Namespace => NullIfEmpty(Attribute?.Namespace);

    public string? Type => NullIfEmpty(Attribute?.Type);

    public string? TimestampText => NullIfEmpty(Attribute?.Timestamp);

    /// <summary>calicoctl's node: the attribute's node, else the node of a host affinity.</summary>
    public string? ReportNode => AttributeNode ?? Block.AffinityHost;

    public bool Borrowed => !string.Equals(ReportNode ?? string.Empty, Block.AffinityHost ?? string.Empty, StringComparison.Ordinal);

    public AllocationClass Class { get; set; }

    public AllocationVerdict Verdict { get; set; }

    /// <summary>Why the verdict, in plain language; built on first use from <see cref="SetReason"/>'s builder.</summary>
    public string Reason
    {
        get => _reason as string ?? (string)(_reason = (_reason as Func<AllocationFacts, string>)?.Invoke(this) ?? string.Empty);
        set => _reason = value;
    }

    /// <summary>Set when the allocation is leaked but must still not be released (e.g. it names a hostNetwork pod).</summary>
    public string? Hold
    {
        get => _details?.Hold;
        set
        {
            if (value is not null || _details is not null)
            {
                More.Hold = value;
            }
        }
    }

    public PodFacts? PodFacts { get; set; }

    /// <summary>Set by the run (LeakAnalysisRun.EnsureAge) only for the allocations whose age matters.</summary>
    public TimeSpan? Age
    {
        get => _details is { AgeSet: true } details ? details.Age : throw new InvalidOperationException("The allocation's age has not been worked out.");
        set
        {
            More.Age = value;
            More.AgeSet = true;
        }
    }

    public bool HasAge => _details is { AgeSet: true };

    public bool AgeFromBlock
    {
        get => _details?.AgeFromBlock ?? false;
        set => More.AgeFromBlock = value;
    }

    public FindingKind? Kind
    {
        get => _details?.Kind;
        set
        {
            if (value is not null || _details is not null)
            {
                More.Kind = value;
            }
        }
    }

    public bool Releasable
    {
        get => _details?.Releasable ?? false;
        set
        {
            if (value || _details is not null)
            {
                More.Releasable = value;
            }
        }
    }

    /// <summary>The run's <see cref="OwnerTable"/> slot of the address's live owners (shared by every allocation of it); <see cref="OwnerTable.None"/> when nobody claims it.</summary>
    public int OwnerSlot { get; set; } = OwnerTable.None;

    /// <summary>The display names of <see cref="OwnerSlot"/>'s owners; null when nobody claims the address.</summary>
    public string[]? OwnerNames => OwnerSlot == OwnerTable.None ? null : Block.OwnerTable!.Names(OwnerSlot);

    /// <summary>The next allocation with the same sanitised handle (an intrusive list: no list per handle).</summary>
    public AllocationFacts? NextWithSameHandle { get; set; }

    /// <summary>Most allocations are never described, so their reason is only built when asked for.</summary>
    public void SetReason(Func<AllocationFacts, string> builder) => _reason = builder;

    private Details More => _details ??= new Details();

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>What only the allocations that end up in findings (or are asked about) need.</summary>
    private sealed class Details
    {
        public string? IpText;
        public string? Hold;
        public TimeSpan? Age;
        public bool AgeSet;
        public bool AgeFromBlock;
        public FindingKind? Kind;
        public bool Releasable;
    }
}
