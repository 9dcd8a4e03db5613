namespace IpamCleanup.Kubernetes;

/// <summary>One REST resource: where it lives and how RBAC names it. <see cref="Group"/> is "" for the core group.</summary>
public sealed record KubeResource(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    public static KubeResource Pods { get; } = new("", "v1", "pods", "Pod", true);

    public static KubeResource Nodes { get; } = new("", "v1", "nodes", "Node", false);

    public static KubeResource Services { get; } = new("", "v1", "services", "Service", true);

    public static KubeResource DatastoreMigrations { get; } = new("migration.projectcalico.org", "v1", "datastoremigrations", "DatastoreMigration", false);

    /// <summary>"v1" for core, otherwise "group/version": the <c>apiVersion</c> of the objects.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>The name RBAC rules and error messages use: "pods", "ipamblocks.crd.projectcalico.org".</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : Plural + "." + Group;

    /// <summary>The collection URL path; for namespaced resources a null namespace means all namespaces.</summary>
    public string CollectionPath(string? @namespace = null)
    {
        var root = Group.Length == 0 ? "/api/" + Version : "/apis/" + Group + "/" + Version;
        return Namespaced && !string.IsNullOrEmpty(@namespace)
            ? root + "/namespaces/" + Uri.EscapeDataString(@namespace) + "/" + Plural
            : root + "/" + Plural;
    }

    public string ObjectPath(string name, string? @namespace = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Namespaced && string.IsNullOrEmpty(@namespace))
        {
            throw new ArgumentException($"{QualifiedName} is namespaced: a namespace is required.", nameof(@namespace));
        }

        return CollectionPath(@namespace) + "/" + Uri.EscapeDataString(name);
    }

    public override string ToString() => QualifiedName;
}
