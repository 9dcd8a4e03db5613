namespace IpamCleanup.Core.Analysis;

/// <summary>A finding with the key that orders the output: kind, block (numerically), ordinal, address, then a name.</summary>
internal readonly record struct SortableFinding(Finding Finding, IpKey? BlockBase, int BlockPrefix, int Ordinal, IpKey? Ip, string Tiebreak)
{
    public static int Compare(SortableFinding x, SortableFinding y)
    {
        var c = x.Finding.Kind.CompareTo(y.Finding.Kind);
        if (c != 0)
        {
            return c;
        }

        c = CompareNullable(x.BlockBase, y.BlockBase);
        if (c != 0)
        {
            return c;
        }

        c = x.BlockPrefix.CompareTo(y.BlockPrefix);
        if (c != 0)
        {
            return c;
        }

        c = x.Ordinal.CompareTo(y.Ordinal);
        if (c != 0)
        {
            return c;
        }

        c = CompareNullable(x.Ip, y.Ip);
        return c != 0 ? c : string.CompareOrdinal(x.Tiebreak, y.Tiebreak);
    }

    // Findings tied to a block come first; the rest (handles, unallocated addresses) follow.
    private static int CompareNullable(IpKey? x, IpKey? y) =>
        (x, y) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => x.Value.CompareTo(y.Value),
        };
}
