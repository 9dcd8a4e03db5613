namespace IpamCleanup.Core.Naming;

/// <summary>Handle ID conventions shared by the snapshot, the analysis and the mutations (calico-ipam.md §3.1).</summary>
public static class CalicoHandles
{
    /// <summary>The handle of the addresses a Windows host reserves in its blocks; no IPAMHandle object exists for it.</summary>
    public const string WindowsReserved = "windows-reserved-ipam-handle";

    /// <summary>libcalico's sanitizeHandle: everything from the first '\r' on is dropped (cni-plugin issue 821).</summary>
    public static string? Sanitize(string? handleId)
    {
        if (handleId is null)
        {
            return null;
        }

        var cr = handleId.IndexOf('\r', StringComparison.Ordinal);
        return cr < 0 ? handleId : handleId[..cr];
    }

    /// <summary>libcalico compares the raw stored handle lower-cased with <see cref="WindowsReserved"/>.</summary>
    public static bool IsWindowsReserved(string? handleId) =>
        handleId is not null && handleId.Equals(WindowsReserved, StringComparison.OrdinalIgnoreCase);
}
