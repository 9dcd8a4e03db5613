using System.Collections;

namespace IpamCleanup.Core.Analysis;

/// <summary>The per-allocation views, made on access: a list of 150,000 long-lived wrappers would only feed the GC.</summary>
internal sealed class AllocationStateList : IReadOnlyList<AllocationState>
{
    private readonly List<AllocationFacts> _facts;

    public AllocationStateList(List<AllocationFacts> facts) => _facts = facts;

    public int Count => _facts.Count;

    public AllocationState this[int index] => new(_facts[index]);

    public IEnumerator<AllocationState> GetEnumerator()
    {
        foreach (var facts in _facts)
        {
            yield return new AllocationState(facts);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
