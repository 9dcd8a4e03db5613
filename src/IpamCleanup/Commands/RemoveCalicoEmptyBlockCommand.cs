using System.Management.Automation;
using IpamCleanup.Core.Analysis;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Commands;

/// <summary>
/// <para type="synopsis">Releases empty blocks of live nodes, blocks of deleted nodes and orphan affinities found by Get-CalicoIpamLeak.</para>
/// <para type="description">Each block is re-read and re-checked right before it is written: still empty, the node still keeping
/// -KeepBlocksPerNode other blocks, the affinity claim older than a minute and not pending. The affinity is marked
/// pendingDeletion, the block deleted with the resourceVersion read (a conflict leaves the affinity for its owner to
/// re-confirm), then the affinity deleted. A deleted node's block that still holds live borrowed addresses is un-affined
/// instead. One result per finding: Released, Skipped with a reason, or Failed.</para>
/// </summary>
/// <example>
/// <code>Get-CalicoIpamLeak -Context prod-eu -Kind EmptyBlock, DeletedNodeBlock, OrphanAffinity | Remove-CalicoEmptyBlock -ChangeRequest CHG0042</code>
/// <para>Releases the blocks after one confirmation per block (and a bulk prompt that -Force skips).</para>
/// </example>
/// <example>
/// <code>Get-CalicoIpamLeak -Context prod-eu -Kind EmptyBlock | Remove-CalicoEmptyBlock -WhatIf</code>
/// <para>Lists exactly which blocks would be released, and writes nothing.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "CalicoEmptyBlock", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = FindingSet)]
[OutputType(typeof(ReleaseResult))]
public sealed class RemoveCalicoEmptyBlockCommand : ReleaseCommandBase
{
    protected override IReadOnlySet<FindingKind> AcceptedKinds => ReleasePlanner.BlockKinds;

    protected override string Noun => "blocks and affinities";
}
