namespace IpamCleanup.Core.Analysis;

internal enum AllocationVerdict : byte
{
    InUse,

    /// <summary>Provably unused; whether it may be released is decided afterwards (handle, age, block, owners).</summary>
    Leaked,

    /// <summary>Nothing proves it used or unused: report only.</summary>
    Unknown,
    CoolingDown,
    WindowsReserved,
}
