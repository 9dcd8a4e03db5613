using System.Globalization;

namespace IpamCleanup.Core.Analysis;

/// <summary>All-or-none per handle, the release preconditions, and the per-allocation findings.</summary>
internal sealed partial class LeakAnalysisRun
{
    private void DecideHandles()
    {
        foreach (var slot in _handles.AllocatedSlots)
        {
            var (handle, head) = (_handles.Id(slot), _handles.Head(slot));
            AllocationFacts? blocker = null;
            for (var a = head; a is not null && blocker is null; a = a.NextWithSameHandle)
            {
                blocker = a.Verdict == AllocationVerdict.Leaked ? null : a;
            }

            if (blocker is not null)
            {
                for (var a = head; a is not null; a = a.NextWithSameHandle)
                {
                    if (a.Verdict == AllocationVerdict.Leaked)
                    {
                        a.Kind = FindingKind.PartialHandle;
                        a.Reason += "; but handle " + handle + " also holds " + blocker.IpText + " in block " + blocker.Block.Cidr +
                            ", which is not leaked (" + blocker.Reason + "), and a handle is released all or none";
                    }
                }

                continue;
            }

            string? groupHold = null;
            for (var a = head; a is not null; a = a.NextWithSameHandle)
            {
                a.Kind = a.Class == AllocationClass.Tunnel ? FindingKind.LeakedTunnelIp : FindingKind.LeakedIp;
                a.Hold ??= IndividualHold(a);
                if (a.Hold is not null)
                {
                    groupHold ??= a.IpText + " " + a.Hold;
                }
            }

            for (var a = head; a is not null; a = a.NextWithSameHandle)
            {
                a.Releasable = groupHold is null;
                if (a.Hold is null && groupHold is not null)
                {
                    a.Hold = "the other address of handle " + handle + ", " + groupHold + ", cannot be released yet, and a handle is released all or none";
                }
            }
        }
    }

    private string? IndividualHold(AllocationFacts a)
    {
        if (a.Block.IsCorrupt)
        {
            return a.Block.CorruptReason;
        }

        if (a.OwnerNames is { } owners)
        {
            return "the address is in use by " + string.Join(", ", owners) + " although the allocation does not name it";
        }

        EnsureAge(a);
        if (a.Age is not { } age)
        {
            return "its age is unknown (no timestamp attribute and no block creationTimestamp)";
        }

        if (age < _options.MinimumAge)
        {
            return "it is younger than MinimumAge (" + Format(age) + " < " + Format(_options.MinimumAge) +
                "), so it may belong to a CNI operation still in flight";
        }

        return null;
    }

    private void EmitAllocationFindings()
    {
        foreach (var a in _allocations)
        {
            switch (a.Verdict)
            {
                case AllocationVerdict.Leaked when a.Kind is { } kind:
                    EmitLeak(a, kind);
                    break;
                case AllocationVerdict.Unknown when a.Class != AllocationClass.BadAttribute:
                    a.Kind = FindingKind.UnknownAllocation;
                    Emit(a, FindingKind.UnknownAllocation, false, Capitalize(a.Reason) + ".", ReportOnly);
                    break;
                case AllocationVerdict.CoolingDown:
                    a.Kind = FindingKind.CoolingDown;
                    if (_options.IncludeHealthy)
                    {
                        Emit(a, FindingKind.CoolingDown, false, Capitalize(a.Reason) + "; not a leak.", ReportOnly);
                    }

                    break;
            }

            if (a.Handle is { Length: > 0 } handle && a.Class is not (AllocationClass.WindowsReserved or AllocationClass.CoolingDown) &&
                _handles.Info(a.HandleSlot) is null)
            {
                var releasedByIp = a.Releasable
                    ? " The address is also reported as " + a.Kind + " and is released by IP with the handle and sequence number check; only the handle decrement is skipped."
                    : string.Empty;
                Emit(a, FindingKind.MissingHandle, false,
                    "Handle object " + handle + " does not exist although block " + a.Block.Cidr + " allocates " + a.IpText +
                    " to it; releasing by handle fails, but releasing by IP with the handle and sequence number check still works." + releasedByIp,
                    ReportOnly);
            }
        }
    }

    private void EmitLeak(AllocationFacts a, FindingKind kind)
    {
        EnsureAge(a);
        var age = a.AgeFromBlock ? " (the allocation has no timestamp; its age is the block's)" : string.Empty;
        if (kind == FindingKind.PartialHandle)
        {
            Emit(a, kind, false, Capitalize(a.Reason) + ".", ReportOnly);
            return;
        }

        if (!a.Releasable)
        {
            Emit(a, kind, false, Capitalize(a.Reason) + age + "; not released because " + a.Hold + ".", ReportOnly);
            return;
        }

        var sequence = a.Sequence.ToString(CultureInfo.InvariantCulture);
        var decrement = HandleObjectOf(a) is not null
            ? ", then decrement handle " + a.Handle + " for block " + a.Block.Cidr
            : "; handle object " + a.Handle + " does not exist, so there is nothing to decrement";
        Emit(a, kind, true, Capitalize(a.Reason) + age + ".",
            "Release IP " + a.IpText + " from block " + a.Block.Cidr + " with handle " + a.Handle + " and sequence " + sequence + decrement);
    }

    private void Emit(AllocationFacts a, FindingKind kind, bool releasable, string reason, string action)
    {
        EnsureAge(a);
        var handle = HandleObjectOf(a);
        var finding = new Finding
        {
            Kind = kind,
            Releasable = releasable,
            IP = a.IpText,
            Node = a.ReportNode,
            Namespace = a.Namespace,
            Pod = a.Pod,
            Handle = a.Handle,
            RawHandle = a.RawHandle,
            SequenceNumber = a.Sequence,
            AllocationType = a.Type,
            Age = NonNegative(a.Age),
            Reason = reason,
            Action = action,
            HandleName = handle?.Name,
            HandleResourceVersion = handle?.ResourceVersion,
            HandleUid = handle?.Uid,
            PodUid = a.PodFacts?.Pod.Uid,
            Owners = a.OwnerNames ?? Array.Empty<string>(),
            ClusterGuid = _clusterGuid,
            ObservedAt = _snapshot.TakenAt,
        };
        Add(WithBlock(finding, a.Block), a.Block, a.Ordinal, a.Ip, kind.ToString());
    }

    private static string Capitalize(string text) =>
        text.Length == 0 || char.IsUpper(text[0]) ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
