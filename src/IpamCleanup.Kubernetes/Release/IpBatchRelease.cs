using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using IpamCleanup.Core;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Model;
using IpamCleanup.Core.Mutations;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Net;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// F3: releases leaked addresses of one block as one batch. Each attempt re-reads the block, re-checks every address
/// (still allocated, same sanitised handle, same sequence number), re-validates its owner with live reads through
/// <see cref="LiveCheck"/>, applies the classic release and writes the block with the resourceVersion it read
/// (deleting it instead when it became empty and has no affinity). A conflict starts the next attempt from a fresh
/// read; after the block write the handles are decremented. The caller holds the block's lock.
/// </summary>
internal static class IpBatchRelease
{
    public static async Task<ReleaseResult[]> RunAsync(ReleaseRun run, ItemContext context, string cidr, string blockName, IReadOnlyList<Finding> findings, CancellationToken cancellationToken)
    {
        var results = new ReleaseResult?[findings.Count];
        var open = new List<Pending>(findings.Count);
        for (var i = 0; i < findings.Count; i++)
        {
            open.Add(new Pending(i, findings[i], IpNet.TryParseAddress(findings[i].IP, out var address) ? address : IPAddress.None));
        }

        var target = $"IPAMBlock {blockName} ({cidr})";
        List<Pending>? released = null;
        BlockReleaseResult? release = null;
        string? writtenCidr = null;
        var attempts = 0;
        while (open.Count > 0 && attempts < run.MaxAttempts)
        {
            attempts++;
            var block = await run.GetBlockAsync(blockName, cancellationToken).ConfigureAwait(false);
            if (block is null)
            {
                Decide(open, p => Skipped(context, p, ReleaseSkipReason.AlreadyReleased, $"{p.Finding.IP} is free: {target} no longer exists."), results);
                break;
            }

            if (!TryCheckAllocations(context, block, cidr, target, open, results))
            {
                break;
            }

            if (open.Count == 0)
            {
                break;
            }

            await RevalidateOwnersAsync(run, context, block, target, open, results, cancellationToken).ConfigureAwait(false);
            if (open.Count == 0)
            {
                break;
            }

            var mutated = block.DeepClone();
            var requests = open.ConvertAll(p => new ReleaseRequest(p.Address, p.Finding.Handle, p.Finding.SequenceNumber));
            release = run.Options.CooldownSeconds is { } cooldown
                ? BlockRelease.ReleaseWithCooldown(mutated, requests, run.Now, cooldown)
                : BlockRelease.ReleaseClassic(mutated, requests);
            if (release.Failure is { } failure)
            {
                // The checks above ran on this very object, so only a malformed block gets here.
                var error = Invalid(context, $"{target} cannot be edited safely: {failure.Message}.");
                Decide(open, p => ReleaseResult.Failed(p.Finding, context.Item, error), results);
                break;
            }

            var landed = await WriteAsync(run, context, block, mutated, release, cancellationToken).ConfigureAwait(false);
            if (landed)
            {
                released = open;
                writtenCidr = mutated.Cidr ?? cidr;
                open = new List<Pending>();
            }
        }

        if (open.Count > 0)
        {
            Decide(open, p => Skipped(context, p, ReleaseSkipReason.Conflict,
                $"{p.Finding.IP} was not released: {target} changed under every one of {attempts} attempts (write conflicts); run again."), results);
        }

        if (released is not null && release is not null)
        {
            await DecrementHandlesAsync(run, context, target, writtenCidr!, released, release, results, cancellationToken).ConfigureAwait(false);
        }

        return results.Select(r => r!).ToArray();
    }

    /// <summary>Applies the per-address checks to the fresh block; returns false when the block cannot be read at all.</summary>
    private static bool TryCheckAllocations(ItemContext context, IpamBlockObject block, string cidr, string target, List<Pending> open, ReleaseResult?[] results)
    {
        IReadOnlyList<int?> allocations;
        IReadOnlyList<Core.Snapshot.AllocationAttribute> attributes;
        try
        {
            allocations = block.Allocations;
            attributes = block.Attributes;
        }
        catch (FormatException e)
        {
            var error = Invalid(context, $"{target} cannot be read: {e.Message}");
            Decide(open, p => ReleaseResult.Failed(p.Finding, context.Item, error), results);
            return false;
        }

        var net = block.CidrNet;
        if (!net.IsValid || net.ToString() != cidr)
        {
            Decide(open, p => Skipped(context, p, ReleaseSkipReason.ChangedSinceScan, $"{target} now has CIDR '{block.Cidr}'; scan again."), results);
            return true;
        }

        open.RemoveAll(p =>
        {
            var reason = Check(block, net, allocations, attributes, p, out var message);
            if (reason is null)
            {
                return false;
            }

            results[p.Index] = Skipped(context, p, reason.Value, message);
            return true;
        });
        return true;
    }

    private static ReleaseSkipReason? Check(IpamBlockObject block, IpNet net, IReadOnlyList<int?> allocations, IReadOnlyList<Core.Snapshot.AllocationAttribute> attributes, Pending p, out string message)
    {
        var ip = p.Finding.IP;
        if (!net.TryGetIntOrdinal(p.Address, out var ordinal) || ordinal >= allocations.Count)
        {
            message = $"{ip} is not in block {net}.";
            return ReleaseSkipReason.ChangedSinceScan;
        }

        if (allocations[ordinal] is not { } index)
        {
            message = $"{ip} is no longer allocated in block {net}; someone else released it.";
            return ReleaseSkipReason.AlreadyReleased;
        }

        if (index < 0 || index >= attributes.Count)
        {
            message = $"{ip} points at attribute {index}, which block {net} does not have; the block is corrupt, so nothing is released.";
            return ReleaseSkipReason.ChangedSinceScan;
        }

        var attribute = attributes[index];
        if (attribute.ReleasedAt is { } releasedAt)
        {
            message = $"{ip} was released at {releasedAt:O} and is cooling down; Calico frees it.";
            return ReleaseSkipReason.AlreadyReleased;
        }

        var stored = CalicoHandles.Sanitize(attribute.HandleId) ?? string.Empty;
        var expected = CalicoHandles.Sanitize(p.Finding.Handle) ?? string.Empty;
        if (!string.Equals(stored, expected, StringComparison.Ordinal))
        {
            message = $"{ip} now belongs to handle '{stored}', not '{expected}': it was re-allocated after the scan.";
            return ReleaseSkipReason.ChangedSinceScan;
        }

        var sequence = block.SequenceNumberForOrdinal(ordinal);
        if (p.Finding.SequenceNumber is { } scanned && scanned != sequence)
        {
            message = string.Create(CultureInfo.InvariantCulture, $"{ip} was re-allocated after the scan (sequence number {scanned}, now {sequence}).");
            return ReleaseSkipReason.ChangedSinceScan;
        }

        message = string.Empty;
        return null;
    }

    /// <summary>Live GETs of the owners, then the analysis on the fresh block: only addresses still releasable stay open.</summary>
    private static async Task RevalidateOwnersAsync(ReleaseRun run, ItemContext context, IpamBlockObject block, string target, List<Pending> open, ReleaseResult?[] results, CancellationToken cancellationToken)
    {
        // Every allocation that shares a handle with a candidate is read too, so all-or-none per handle still holds.
        var handles = new HashSet<string>(open.Select(p => CalicoHandles.Sanitize(p.Finding.Handle) ?? string.Empty), StringComparer.Ordinal);
        var allocations = block.Allocations;
        var attributes = block.Attributes;
        bool Related(int ordinal) =>
            allocations[ordinal] is { } index && index >= 0 && index < attributes.Count &&
            handles.Contains(attributes[index].SanitizedHandleId ?? string.Empty);

        var (pods, nodes) = await LiveCheck.ReadOwnersAsync(run, block, Related, cancellationToken).ConfigureAwait(false);
        var analysis = LiveCheck.Analyze(run, new[] { block }, Array.Empty<IpamHandleObject>(), Array.Empty<BlockAffinityObject>(), pods, nodes);
        open.RemoveAll(p =>
        {
            var fresh = LiveCheck.AddressFinding(analysis, p.Address);
            if (fresh is { Kind: FindingKind.LeakedIp or FindingKind.LeakedTunnelIp, Releasable: true } &&
                string.Equals(fresh.Handle, CalicoHandles.Sanitize(p.Finding.Handle), StringComparison.Ordinal) &&
                (p.Finding.SequenceNumber is null || fresh.SequenceNumber == p.Finding.SequenceNumber))
            {
                return false;
            }

            if (fresh is { Kind: FindingKind.LeakedIp or FindingKind.LeakedTunnelIp or FindingKind.PartialHandle, Releasable: false } &&
                fresh.Age is { } age && age < run.Options.MinimumAge)
            {
                results[p.Index] = Skipped(context, p, ReleaseSkipReason.TooYoung, $"{p.Finding.IP} in {target}: {fresh.Reason}");
                return true;
            }

            var why = fresh is null
                ? $"a live re-check finds {p.Finding.IP} in use by {LiveCheck.OwnersOf(analysis, p.Address)}."
                : $"a live re-check no longer finds {p.Finding.IP} releasable: {fresh.Reason}";
            results[p.Index] = Skipped(context, p, ReleaseSkipReason.NowInUse, $"{p.Finding.IP} in {target} was not released: {why}");
            return true;
        });
    }

    /// <summary>Writes the released block; true when the write took effect (or our earlier, unanswered attempt did).</summary>
    private static async Task<bool> WriteAsync(ReleaseRun run, ItemContext context, IpamBlockObject read, IpamBlockObject mutated, BlockReleaseResult release, CancellationToken cancellationToken)
    {
        var addresses = string.Join(", ", release.Released.Select(IpNet.FormatAddress));
        if (release.ShouldDeleteBlock)
        {
            var deleted = await run.SoftDeleteAsync(context, CalicoKind.IpamBlock, mutated, "DeleteEmptyBlock",
                $"released {addresses}; the block is now empty and has no affinity", cancellationToken).ConfigureAwait(false);
            return deleted.Outcome == DeleteOutcome.Deleted;
        }

        var updated = await run.UpdateAsync(context, CalicoKind.IpamBlock, mutated, "ReleaseAddresses", "released " + addresses, cancellationToken).ConfigureAwait(false);
        switch (updated.Outcome)
        {
            case UpdateOutcome.Updated:
                return true;
            case UpdateOutcome.Conflict when updated.EarlierAttemptMayHaveApplied:
                // A lost response: the conflict may be our own write. It is ours when the block holds exactly what we sent.
                var current = await run.GetBlockAsync(read.Name!, cancellationToken).ConfigureAwait(false);
                var ours = current is not null && JsonNode.DeepEquals(current.Json["spec"], mutated.Json["spec"]);
                run.Log($"{context.Item.Target}: a retried write conflicted; {(ours ? "the block holds our earlier write" : "re-reading")}.");
                return ours;
            default:
                return false;
        }
    }

    private static async Task DecrementHandlesAsync(ReleaseRun run, ItemContext context, string target, string cidr, List<Pending> released, BlockReleaseResult release, ReleaseResult?[] results, CancellationToken cancellationToken)
    {
        var warnings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (handle, count) in release.ReleasedByHandle)
        {
            var name = released
                .Where(p => string.Equals(CalicoHandles.Sanitize(p.Finding.Handle), handle, StringComparison.Ordinal))
                .Select(p => p.Finding.HandleName)
                .FirstOrDefault(n => !string.IsNullOrEmpty(n)) ?? CalicoNames.HandleName(handle);
            if (await HandleDecrement.RunAsync(run, context, name, handle, cidr, count, cancellationToken).ConfigureAwait(false) is { } warning)
            {
                warnings[handle] = warning;
            }
        }

        foreach (var p in released)
        {
            var handle = CalicoHandles.Sanitize(p.Finding.Handle) ?? string.Empty;
            var sequence = p.Finding.SequenceNumber?.ToString(CultureInfo.InvariantCulture) ?? "?";
            results[p.Index] = ReleaseResult.Released(
                p.Finding,
                context.Item,
                $"Released {p.Finding.IP} from {target} (handle {handle}, sequence number {sequence}).",
                warnings.TryGetValue(handle, out var warning) ? new[] { warning } : null);
        }
    }

    private static void Decide(List<Pending> open, Func<Pending, ReleaseResult> decide, ReleaseResult?[] results)
    {
        foreach (var p in open)
        {
            results[p.Index] = decide(p);
        }

        open.Clear();
    }

    private static ReleaseResult Skipped(ItemContext context, Pending p, ReleaseSkipReason reason, string message) =>
        ReleaseResult.Skipped(p.Finding, context.Item, reason, message);

    private static IpamCleanupException Invalid(ItemContext context, string message) =>
        new(ReleaseErrorIds.ReleaseObjectInvalid, "InvalidData", message, "Inspect the object with kubectl; nothing was changed.", context.Item.Target);

    private sealed record Pending(int Index, Finding Finding, IPAddress Address);
}
