namespace IpamCleanup.Sandbox;

/// <summary>
/// The objects of one resource type. Callers hold <see cref="Gate"/> around every call.
/// Keys are kept in ordinal order for paging; the order is rebuilt lazily after bulk loads,
/// because inserting 150,000 keys one by one into a sorted list would be quadratic.
/// </summary>
internal sealed class ResourceTable
{
    private readonly Dictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private List<string>? _sortedKeys = [];

    public object Gate { get; } = new();

    public int Count => _objects.Count;

    public StoredObject? Get(string key) => _objects.TryGetValue(key, out var value) ? value : null;

    public void Put(StoredObject value)
    {
        var key = value.Key;
        var isNew = !_objects.ContainsKey(key);
        _objects[key] = value;
        if (isNew && _sortedKeys is not null)
        {
            var index = _sortedKeys.BinarySearch(key, StringComparer.Ordinal);
            _sortedKeys.Insert(~index, key);
        }
    }

    public bool Remove(string key)
    {
        if (!_objects.Remove(key))
        {
            return false;
        }

        if (_sortedKeys is not null)
        {
            var index = _sortedKeys.BinarySearch(key, StringComparer.Ordinal);
            if (index >= 0)
            {
                _sortedKeys.RemoveAt(index);
            }
        }

        return true;
    }

    public void Clear()
    {
        _objects.Clear();
        _sortedKeys = [];
    }

    /// <summary>Call before many inserts: the key order is rebuilt once on the next read.</summary>
    public void BeginBulkLoad() => _sortedKeys = null;

    public IEnumerable<StoredObject> All() => SortedKeys().Select(k => _objects[k]);

    /// <summary>
    /// Up to <paramref name="limit"/> objects (0 = no limit) whose key starts with <paramref name="prefix"/>,
    /// after <paramref name="startAfterKey"/>, that pass <paramref name="filter"/>.
    /// </summary>
    public ListPage Page(string? prefix, string? startAfterKey, int limit, Func<StoredObject, bool>? filter)
    {
        var keys = SortedKeys();
        var begin = prefix is null ? 0 : LowerBound(keys, prefix);
        var end = prefix is null ? keys.Count : LowerBound(keys, UpperBoundOf(prefix));
        if (startAfterKey is not null)
        {
            var after = keys.BinarySearch(startAfterKey, StringComparer.Ordinal);
            begin = Math.Max(begin, after >= 0 ? after + 1 : ~after);
        }

        var items = new List<StoredObject>(limit > 0 ? Math.Min(limit, end - begin) : Math.Max(0, end - begin));
        var index = begin;
        for (; index < end; index++)
        {
            if (limit > 0 && items.Count == limit)
            {
                break;
            }

            var value = _objects[keys[index]];
            if (filter is null || filter(value))
            {
                items.Add(value);
            }
        }

        var hasMore = index < end;
        long? remaining = hasMore && filter is null ? end - index : null;
        return new ListPage(items, items.Count > 0 ? items[^1].Key : null, hasMore, remaining);
    }

    private List<string> SortedKeys()
    {
        if (_sortedKeys is null)
        {
            var keys = new List<string>(_objects.Keys);
            keys.Sort(StringComparer.Ordinal);
            _sortedKeys = keys;
        }

        return _sortedKeys;
    }

    private static int LowerBound(List<string> keys, string value)
    {
        var index = keys.BinarySearch(value, StringComparer.Ordinal);
        return index >= 0 ? index : ~index;
    }

    // Namespace prefixes end in '/', so the first key past them starts with the next character, '0'.
    private static string UpperBoundOf(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);
}
