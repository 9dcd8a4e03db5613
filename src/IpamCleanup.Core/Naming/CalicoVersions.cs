using System.Globalization;

namespace IpamCleanup.Core.Naming;

/// <summary>Calico release strings as ClusterInformation's <c>calicoVersion</c> carries them (<c>v3.33.0</c>, <c>v3.33.1-0.dev-12-gabc</c>).</summary>
public static class CalicoVersions
{
    /// <summary>
    /// Whether <paramref name="version"/> is <paramref name="major"/>.<paramref name="minor"/> or later. Anything that
    /// does not start with a major.minor number (null, empty, a branch name) is not known to be later: false.
    /// </summary>
    public static bool AtLeast(string? version, int major, int minor)
    {
        if (!TryParse(version, out var actualMajor, out var actualMinor))
        {
            return false;
        }

        return actualMajor > major || (actualMajor == major && actualMinor >= minor);
    }

    /// <summary>Reads the leading <c>[v]major.minor</c> of a version string.</summary>
    public static bool TryParse(string? version, out int major, out int minor)
    {
        major = minor = 0;
        var text = version.AsSpan().Trim();
        if (text.Length > 0 && (text[0] == 'v' || text[0] == 'V'))
        {
            text = text[1..];
        }

        var dot = text.IndexOf('.');
        if (dot <= 0 || !int.TryParse(text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out major))
        {
            return false;
        }

        var rest = text[(dot + 1)..];
        var end = 0;
        while (end < rest.Length && char.IsAsciiDigit(rest[end]))
        {
            end++;
        }

        return end > 0 && int.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out minor);
    }
}
