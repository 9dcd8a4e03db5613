namespace IpamCleanup.Core.Analysis;

/// <summary>The owners of one address; almost always exactly one, so the common case costs one small object.</summary>
internal sealed class OwnerSet
{
    private List<Owner>? _more;
    private string[]? _names;

    public OwnerSet(Owner first) => First = first;

    public Owner First { get; }

    public int Count => 1 + (_more?.Count ?? 0);

    public IEnumerable<Owner> All
    {
        get
        {
            yield return First;
            if (_more is not null)
            {
                foreach (var owner in _more)
                {
                    yield return owner;
                }
            }
        }
    }

    /// <summary>The display names, built once and shared by every allocation of the address.</summary>
    public string[] Names => _names ??= All.Select(o => o.Name).ToArray();

    public void Add(Owner owner)
    {
        if (First.SameAs(owner) || (_more is not null && _more.Exists(o => o.SameAs(owner))))
        {
            return;
        }

        (_more ??= new List<Owner>(1)).Add(owner);
        _names = null;
    }
}
