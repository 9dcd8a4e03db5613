using System.Management.Automation;
using IpamCleanup.Results;

namespace IpamCleanup.Commands;

/// <summary>
/// <para type="synopsis">Locks the Calico datastore (spec.datastoreReady=false), as calicoctl datastore migrate lock does; new pods cannot start until it is unlocked.</para>
/// </summary>
/// <example>
/// <code>Lock-CalicoDatastore -Context prod-eu -ChangeRequest CHG0042</code>
/// <para>Locks the datastore before a cleanup, as calicoctl datastore migrate lock does; the result records the value it replaced.</para>
/// </example>
[Cmdlet(VerbsCommon.Lock, "CalicoDatastore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DatastoreLockResult))]
public sealed class LockCalicoDatastoreCommand : DatastoreLockCommandBase
{
    protected override bool DesiredReady => false;
}
