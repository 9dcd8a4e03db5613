using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>One allocated ordinal while it is being judged; mutable only inside one analysis run.</summary>
internal sealed class AllocationFacts
{
    private string? _ipText;
    private string? _reason;
    private Func<AllocationFacts, string>? _reasonBuilder;

    public AllocationFacts(BlockFacts block, int ordinal, AllocationAttribute? attribute)
    {
        Block = block;
        Ordinal = ordinal;
        Attribute = attribute;
        Ip = block.Base.Plus(ordinal);
        Sequence = block.Info.SequenceNumberOf(ordinal);
        RawHandle = attribute?.HandleId;
        Handle = attribute?.SanitizedHandleId;
        if (attribute is not null)
        {
            AttributeNode = NullIfEmpty(attribute.Get("node"));
            Pod = NullIfEmpty(attribute.Get("pod"));
            Namespace = NullIfEmpty(attribute.Get("namespace"));
            Type = NullIfEmpty(attribute.Get("type"));
            TimestampText = NullIfEmpty(attribute.Get("timestamp"));
        }

        var host = block.Info.AffinityHost;
        ReportNode = AttributeNode ?? host;
        Borrowed = !string.Equals(ReportNode ?? string.Empty, host ?? string.Empty, StringComparison.Ordinal);
    }

    public BlockFacts Block { get; }

    public int Ordinal { get; }

    public IpKey Ip { get; }

    public string IpText => _ipText ??= Ip.ToString();

    public AllocationAttribute? Attribute { get; }

    public string? RawHandle { get; }

    /// <summary>The sanitised handle ('\r' suffix removed); null or empty when the attribute has none.</summary>
    public string? Handle { get; }

    public ulong Sequence { get; }

    public string? AttributeNode { get; }

    public string? Pod { get; }

    public string? Namespace { get; }

    public string? Type { get; }

    public string? TimestampText { get; }

    /// <summary>calicoctl's node: the attribute's node, else the node of a host affinity.</summary>
    public string? ReportNode { get; }

    public bool Borrowed { get; }

    public AllocationClass Class { get; set; }

    public AllocationVerdict Verdict { get; set; }

    /// <summary>Why the verdict, in plain language; built on first use from <see cref="SetReason"/>'s builder.</summary>
    public string Reason
    {
        get => _reason ??= _reasonBuilder?.Invoke(this) ?? string.Empty;
        set
        {
            _reason = value;
            _reasonBuilder = null;
        }
    }

    /// <summary>Set when the allocation is leaked but must still not be released (e.g. it names a hostNetwork pod).</summary>
    public string? Hold { get; set; }

    public PodFacts? PodFacts { get; set; }

    public TimeSpan? Age { get; set; }

    public bool AgeFromBlock { get; set; }

    public FindingKind? Kind { get; set; }

    public bool Releasable { get; set; }

    /// <summary>Live owners of the address (shared by every allocation of it), null when nobody claims it.</summary>
    public OwnerSet? Owners { get; set; }

    /// <summary>The next allocation with the same sanitised handle (an intrusive list: no list per handle).</summary>
    public AllocationFacts? NextWithSameHandle { get; set; }

    /// <summary>Most allocations are never described, so their reason is only built when asked for.</summary>
    public void SetReason(Func<AllocationFacts, string> builder)
    {
        _reason = null;
        _reasonBuilder = builder;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
