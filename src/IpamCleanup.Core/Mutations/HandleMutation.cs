using IpamCleanup.Core.Model;
using IpamCleanup.Core.Net;

namespace IpamCleanup.Core.Mutations;

/// <summary>Adjusting an IPAMHandle after addresses were freed from a block (libcalico's decrementBlock).</summary>
public static class HandleMutation
{
    /// <summary>
    /// Subtracts <paramref name="count"/> from the handle's entry for the block, removing the entry when it reaches 0.
    /// <see cref="HandleDecrementOutcome.NowEmpty"/> means no block is left and the caller deletes the handle.
    /// A missing entry or a count that would go negative is <see cref="HandleDecrementOutcome.Inconsistent"/> with
    /// a warning (handle counts drift; the block is the source of truth) and the handle is left unchanged.
    /// </summary>
    public static HandleDecrementResult Decrement(IpamHandleObject handle, string blockCidr, int count)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(blockCidr);
        ArgumentOutOfRangeException.ThrowIfNegative(count);

        var blocks = handle.Block;
        var key = FindKey(blocks, blockCidr);
        if (key is null)
        {
            return new HandleDecrementResult(
                HandleDecrementOutcome.Inconsistent,
                null,
                $"Tried to decrement block {blockCidr} by {count} but it isn't linked to handle {handle.HandleId}");
        }

        var remaining = blocks[key] - count;
        if (remaining < 0)
        {
            return new HandleDecrementResult(
                HandleDecrementOutcome.Inconsistent,
                blocks[key],
                $"Tried to decrement block {blockCidr} by {count} but it only has {blocks[key]} addresses on handle {handle.HandleId}");
        }

        if (remaining > 0)
        {
            handle.SetBlockCount(key, remaining);
            return new HandleDecrementResult(HandleDecrementOutcome.Updated, remaining, null);
        }

        handle.SetBlockCount(key, null);
        return new HandleDecrementResult(
            handle.Block.Count == 0 ? HandleDecrementOutcome.NowEmpty : HandleDecrementOutcome.Updated,
            0,
            null);
    }

    // Keys are Go canonical CIDR text; accept a caller's non-canonical spelling of the same network too.
    private static string? FindKey(IReadOnlyDictionary<string, int> blocks, string blockCidr)
    {
        if (blocks.ContainsKey(blockCidr))
        {
            return blockCidr;
        }

        if (!IpNet.TryParse(blockCidr, out var wanted))
        {
            return null;
        }

        foreach (var key in blocks.Keys)
        {
            if (IpNet.TryParse(key, out var candidate) && candidate == wanted)
            {
                return key;
            }
        }

        return null;
    }
}
