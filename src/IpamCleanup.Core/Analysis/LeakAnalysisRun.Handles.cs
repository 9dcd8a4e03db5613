namespace IpamCleanup.Core.Analysis;

/// <summary>IPAMHandles no block references (calico-ipam.md §4f F4).</summary>
internal sealed partial class LeakAnalysisRun
{
    private void EmitOrphanHandles()
    {
        for (var i = 0; i < _snapshot.Handles.Count; i++)
        {
            var slot = _handles.SlotOfHandle(i);
            if (_handles.IsReferenced(slot))
            {
                continue;
            }

            var handle = _snapshot.Handles[i];
            var id = _handles.Id(slot);

            var age = handle.CreationTimestamp is { } created ? _options.Now - created : (TimeSpan?)null;
            var corrupt = handle.Blocks.Keys
                .Select(cidr => Net.IpNet.TryParse(cidr, out var net) && _blocksByCidr.TryGetValue(net.ToString(), out var b) ? b : null)
                .FirstOrDefault(b => b is { IsCorrupt: true });
            string? hold = corrupt is not null
                ? "its spec.block names " + corrupt.CorruptReason
                : age is null ? "its age is unknown (no creationTimestamp)"
                : age < _options.MinimumAge
                    ? "it is younger than MinimumAge (" + Format(age.Value) + " < " + Format(_options.MinimumAge) +
                      "); a CNI ADD creates the handle before it writes the block"
                    : null;

            var claims = handle.Blocks.Count == 0
                ? string.Empty
                : " although its spec.block still counts " + string.Join(", ", handle.Blocks.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => b.Value + " in " + b.Key));
            var reason = "No block references handle " + id + claims + (hold is null ? "." : "; not deleted because " + hold + ".");
            var action = hold is null
                ? "Delete handle " + handle.Name + " (resourceVersion " + handle.ResourceVersion + ", uid " + handle.Uid +
                  ") after re-checking that no block references it"
                : ReportOnly;
            Add(
                new Finding
                {
                    Kind = FindingKind.OrphanHandle,
                    Releasable = hold is null,
                    Handle = id,
                    RawHandle = handle.HandleId,
                    Age = NonNegative(age),
                    Reason = reason,
                    Action = action,
                    HandleName = handle.Name,
                    HandleResourceVersion = handle.ResourceVersion,
                    HandleUid = handle.Uid,
                    ClusterGuid = _clusterGuid,
                    ObservedAt = _snapshot.TakenAt,
                },
                null,
                0,
                null,
                id);
        }
    }
}
