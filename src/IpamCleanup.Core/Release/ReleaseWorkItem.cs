using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Release;

/// <summary>
/// One unit of writes: all leaked addresses of one block, or one handle, block or affinity. The cmdlet asks
/// ShouldProcess(<see cref="Target"/> + cluster, <see cref="Action"/>) once per item on the pipeline thread, and hands
/// only the approved items to the engine; every finding of an item gets exactly one result.
/// </summary>
public sealed class ReleaseWorkItem
{
    internal ReleaseWorkItem(int id, ReleaseWorkKind kind, IReadOnlyList<Finding> findings, string objectKind, string objectName, string? cidr, string? node, string target, string action, string description)
    {
        Id = id;
        Kind = kind;
        Findings = findings;
        ObjectKind = objectKind;
        ObjectName = objectName;
        Cidr = cidr;
        Node = node;
        Target = target;
        Action = action;
        Description = description;
    }

    /// <summary>Position in the plan (0-based), stable for one plan.</summary>
    public int Id { get; }

    public ReleaseWorkKind Kind { get; }

    /// <summary>The findings this item settles (several only for <see cref="ReleaseWorkKind.ReleaseIps"/>).</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>"IPAMBlock", "IPAMHandle" or "BlockAffinity".</summary>
    public string ObjectKind { get; }

    /// <summary>The Kubernetes object name (block name, handle name, affinity name).</summary>
    public string ObjectName { get; }

    /// <summary>The block CIDR in Go canonical form, when the item concerns a block or an affinity.</summary>
    public string? Cidr { get; }

    /// <summary>The node of a block or affinity item.</summary>
    public string? Node { get; }

    /// <summary>The object, e.g. "IPAMBlock 10-0-0-0-26 (10.0.0.0/26)"; the ShouldProcess target (add the cluster).</summary>
    public string Target { get; }

    /// <summary>What will be done, e.g. "Release 3 IPs (10.0.0.5, 10.0.0.6, 10.0.0.9)"; the ShouldProcess action.</summary>
    public string Action { get; }

    /// <summary>One line for -WhatIf, -Verbose and logs, e.g. "release 3 IPs from IPAMBlock 10-0-0-0-26 (10.0.0.0/26)".</summary>
    public string Description { get; }

    public override string ToString() => Description;
}
