using System.Management.Automation;
using IpamCleanup.Results;

namespace IpamCleanup.Commands;

/// <summary>
/// <para type="synopsis">Unlocks the Calico datastore: sets ClusterInformation default spec.datastoreReady to true with compare-and-swap.</para>
/// </summary>
/// <example>
/// <code>Unlock-CalicoDatastore -Context prod-eu -ChangeRequest CHG0042</code>
/// <para>Unlocks after a failed cleanup job; refuses while a DatastoreMigration is in progress.</para>
/// </example>
/// <example>
/// <code>Unlock-CalicoDatastore -Context prod-eu -WhatIf</code>
/// <para>Shows who probably locked the datastore and what would be written, and writes nothing.</para>
/// </example>
[Cmdlet(VerbsCommon.Unlock, "CalicoDatastore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DatastoreLockResult))]
public sealed class UnlockCalicoDatastoreCommand : DatastoreLockCommandBase
{
    protected override bool DesiredReady => true;
}
