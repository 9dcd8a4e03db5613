namespace IpamCleanup.Sandbox;

/// <summary>
/// Draws distinct random integers from [0, n) without materialising all n (a sparse Fisher–Yates):
/// Calico claims blocks at random positions in the pool, and pools can hold millions of blocks.
/// </summary>
internal sealed class DistinctIndexPicker
{
    private readonly Dictionary<int, int> _swapped = [];
    private readonly Random _random;
    private int _remaining;

    public DistinctIndexPicker(int count, Random random)
    {
        _remaining = count;
        _random = random;
    }

    public int Next()
    {
        if (_remaining == 0)
        {
            throw new ArgumentException("The IP pool has no free block left for this scenario; give a larger pool (ipv4Pool=10.0.0.0/8) or fewer nodes.");
        }

        var pick = _random.Next(_remaining);
        _remaining--;
        var value = _swapped.GetValueOrDefault(pick, pick);
        _swapped[pick] = _swapped.GetValueOrDefault(_remaining, _remaining);
        return value;
    }
}
