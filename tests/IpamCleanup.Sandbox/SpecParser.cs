namespace IpamCleanup.Sandbox;

/// <summary>Parses the <c>key=value,key=value</c> specs of <c>--faults</c> and <c>--generate</c>.</summary>
internal static class SpecParser
{
    public static IEnumerable<(string Key, string Value)> Parse(string spec)
    {
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"'{part}' is not key=value.");
            }

            yield return (part[..equals].Trim(), part[(equals + 1)..].Trim());
        }
    }
}
