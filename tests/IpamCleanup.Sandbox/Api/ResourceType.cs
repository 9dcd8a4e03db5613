namespace IpamCleanup.Sandbox;

/// <summary>One served resource: what discovery advertises and how the API treats it.</summary>
public sealed class ResourceType
{
    public ResourceType(string group, string version, string plural, string singular, string kind, bool namespaced)
    {
        Group = group;
        Version = version;
        Plural = plural;
        Singular = singular;
        Kind = kind;
        Namespaced = namespaced;
    }

    public string Group { get; }

    public string Version { get; }

    public string Plural { get; }

    public string Singular { get; }

    public string Kind { get; }

    public bool Namespaced { get; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Core types with a status subresource: the main resource cannot change status, pods/status cannot change spec.</summary>
    public bool HasStatusSubresource { get; init; }

    /// <summary>Built-in types accept a PUT without resourceVersion; custom resources do not.</summary>
    public bool AllowUnconditionalUpdate { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string ListKind => Kind + "List";

    /// <summary>The name the API server uses in messages: <c>pods</c> or <c>ipamblocks.crd.projectcalico.org</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : Plural + "." + Group;

    public override string ToString() => ApiVersion + " " + Plural;
}
