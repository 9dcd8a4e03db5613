using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace IpamCleanup.Core.Snapshot;

/// <summary>
/// The <c>secondary</c> map of a parsed block attribute: a handful of entries in one array (in the order first seen,
/// a repeated key keeping its first position and its last value, as a <see cref="Dictionary{TKey,TValue}"/> filled
/// with the indexer would), looked up by a linear scan. A dictionary per attribute cost ~300 bytes and three
/// scattered objects for maps of about five entries; this is one object and one array, and the values the analysis
/// reads are picked out while it is built.
/// </summary>
internal sealed class SecondaryMap : IReadOnlyDictionary<string, string>
{
    public static readonly SecondaryMap Empty = new(Array.Empty<KeyValuePair<string, string>>(), null);

    /// <summary>Above this many entries lookups go through an index instead of a scan (Calico writes about five).</summary>
    private const int ScanLimit = 16;

    private readonly KeyValuePair<string, string>[] _entries;
    private readonly Dictionary<string, int>? _index;

    private SecondaryMap(KeyValuePair<string, string>[] entries, Dictionary<string, int>? index)
    {
        _entries = entries;
        _index = index;
        if (entries.Length == 0)
        {
            return;
        }

        string? node = null, pod = null, ns = null, type = null, timestamp = null, service = null;
        var vmiName = false;
        foreach (var (key, value) in entries)
        {
            switch (key)
            {
                case "node": node = value; break;
                case "pod": pod = value; break;
                case "namespace": ns = value; break;
                case "type": type = value; break;
                case "timestamp": timestamp = value; break;
                case "service": service = value; break;
                case "vmi-name": vmiName = true; break;
            }
        }

        WellKnown = new WellKnownSecondary(node, pod, ns, type, timestamp, service, vmiName);
    }

    public WellKnownSecondary WellKnown { get; }

    public int Count => _entries.Length;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public IEnumerable<string> Values => _entries.Select(e => e.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The key '{key}' was not present.");

    /// <summary>Takes the pairs in the order given; a repeated key keeps its first position and takes the later value.</summary>
    public static SecondaryMap From(List<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count == 0)
        {
            return Empty;
        }

        var entries = new KeyValuePair<string, string>[pairs.Count];
        var index = pairs.Count > ScanLimit ? new Dictionary<string, int>(pairs.Count, StringComparer.Ordinal) : null;
        var count = 0;
        foreach (var pair in pairs)
        {
            var at = index is null ? IndexOf(entries.AsSpan(0, count), pair.Key) : index.GetValueOrDefault(pair.Key, -1);
            if (at >= 0)
            {
                entries[at] = pair;
            }
            else
            {
                index?.Add(pair.Key, count);
                entries[count++] = pair;
            }
        }

        return new SecondaryMap(count == entries.Length ? entries : entries[..count], index);
    }

    public bool ContainsKey(string key) => Find(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var at = Find(key);
        if (at < 0)
        {
            value = null;
            return false;
        }

        value = _entries[at].Value;
        return true;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int Find(string key) => _index is null ? IndexOf(_entries, key) : _index.GetValueOrDefault(key ?? throw new ArgumentNullException(nameof(key)), -1);

    private static int IndexOf(ReadOnlySpan<KeyValuePair<string, string>> entries, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < entries.Length; i++)
        {
            if (string.Equals(entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
