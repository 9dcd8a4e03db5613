namespace IpamCleanup.Sandbox;

/// <summary>
/// A Kubernetes label selector string: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>,
/// <c>a notin (x,y)</c>, <c>a</c> (exists) and <c>!a</c> (does not exist), joined by commas (AND).
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private LabelSelector(List<Func<IReadOnlyDictionary<string, string>, bool>> requirements) => _requirements = requirements;

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r(labels));

    public static LabelSelector Parse(string selector)
    {
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var part in SplitTopLevel(selector))
        {
            requirements.Add(ParseRequirement(part));
        }

        return new LabelSelector(requirements);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string text)
    {
        if (text.StartsWith('!'))
        {
            var key = RequireKey(text[1..].Trim(), text);
            return labels => !labels.ContainsKey(key);
        }

        foreach (var op in new[] { "!=", "==", "=" })
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = RequireKey(text[..at].Trim(), text);
                var value = text[(at + op.Length)..].Trim();
                return op == "!="
                    ? labels => !labels.TryGetValue(key, out var v) || v != value
                    : labels => labels.TryGetValue(key, out var v) && v == value;
            }
        }

        var words = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 1)
        {
            var key = RequireKey(words[0], text);
            return labels => labels.ContainsKey(key);
        }

        var rest = words[1];
        var negate = rest.StartsWith("notin", StringComparison.Ordinal);
        if (!negate && !rest.StartsWith("in", StringComparison.Ordinal))
        {
            throw Invalid(text);
        }

        var set = rest[(negate ? 5 : 2)..].Trim();
        if (!set.StartsWith('(') || !set.EndsWith(')'))
        {
            throw Invalid(text);
        }

        var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var setKey = RequireKey(words[0], text);
        return negate
            ? labels => !labels.TryGetValue(setKey, out var v) || !values.Contains(v)
            : labels => labels.TryGetValue(setKey, out var v) && values.Contains(v);
    }

    private static string RequireKey(string key, string text) =>
        key.Length > 0 && !key.Contains(' ', StringComparison.Ordinal) ? key : throw Invalid(text);

    private static SandboxApiException Invalid(string text) =>
        ApiErrors.BadRequest($"unable to parse requirement: <nil>: Invalid value: \"{text}\": invalid label selector");

    // Commas inside "in (a,b)" belong to the set, not to the list of requirements.
    private static IEnumerable<string> SplitTopLevel(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= selector.Length; i++)
        {
            if (i == selector.Length || (selector[i] == ',' && depth == 0))
            {
                var part = selector[start..i].Trim();
                if (part.Length > 0)
                {
                    yield return part;
                }

                start = i + 1;
            }
            else if (selector[i] == '(')
            {
                depth++;
            }
            else if (selector[i] == ')')
            {
                depth--;
            }
        }
    }
}
