namespace IpamCleanup.Core.Snapshot;

/// <summary>Shares one instance of strings that repeat across hundreds of thousands of objects (node names, namespaces).</summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    public string Intern(string value)
    {
        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        _strings.Add(value, value);
        return value;
    }

    public static string? Intern(StringPool? pool, string? value) =>
        value is null || pool is null ? value : pool.Intern(value);
}
