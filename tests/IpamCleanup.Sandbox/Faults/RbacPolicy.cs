namespace IpamCleanup.Sandbox;

/// <summary>
/// An allow-list of "verb resource" rules such as <c>list pods</c>, <c>update clusterinformations</c> or
/// <c>patch pods/status</c>. A resource may name its group (<c>get ipamblocks.crd.projectcalico.org</c>);
/// <c>*</c> matches any verb or resource. Everything else is answered 403 Forbidden.
/// </summary>
public sealed class RbacPolicy
{
    private readonly HashSet<string> _rules;

    public RbacPolicy(IEnumerable<string> allow)
    {
        _rules = new HashSet<string>(allow.Select(Normalize), StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Allowed => _rules;

    /// <summary>Parses a comma-separated list: <c>list pods,get ipamblocks</c>.</summary>
    public static RbacPolicy Parse(string rules) =>
        new(rules.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <param name="verb">get, list, create, update, patch or delete.</param>
    /// <param name="resource">The plural, with a subresource when there is one: <c>pods/status</c>.</param>
    /// <param name="group">The API group; "" for core.</param>
    public bool Allows(string verb, string resource, string group = "")
    {
        string[] resources = group.Length == 0 ? [resource, "*"] : [resource, resource + "." + group, "*"];
        foreach (var v in new[] { verb, "*" })
        {
            foreach (var r in resources)
            {
                if (_rules.Contains(v + " " + r))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string Normalize(string rule) =>
        string.Join(' ', rule.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
