namespace IpamCleanup.Sandbox;

/// <summary>
/// A request path that addresses a resource: <c>/api/v1/namespaces/x/pods/y/status</c> or
/// <c>/apis/crd.projectcalico.org/v1/ipamblocks/z</c>. Name is null for collections.
/// </summary>
internal sealed record ResourcePath(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>The resource as RBAC and the write counter name it: <c>pods</c> or <c>pods/status</c>.</summary>
    public string RbacResource => Subresource is null ? Type.Plural : Type.Plural + "/" + Subresource;

    /// <summary>Returns null when the path is not a served resource (the caller answers 404).</summary>
    public static ResourcePath? Parse(ResourceCatalog catalog, string[] segments)
    {
        string group;
        string version;
        int rest;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }

        var apiVersion = group.Length == 0 ? version : group + "/" + version;
        var tail = segments[rest..];
        if (tail.Length >= 3 && tail[0] == "namespaces" && catalog.FindByPlural(apiVersion, tail[2]) is { Namespaced: true } namespacedType)
        {
            return Build(namespacedType, tail[1], tail[3..]);
        }

        var type = catalog.FindByPlural(apiVersion, tail[0]);
        if (type is null)
        {
            return null;
        }

        // A namespaced type without a namespace is only the all-namespaces collection.
        if (type.Namespaced)
        {
            return tail.Length == 1 ? new ResourcePath(type, null, null, null) : null;
        }

        return Build(type, null, tail[1..]);
    }

    private static ResourcePath? Build(ResourceType type, string? ns, string[] rest) => rest.Length switch
    {
        0 => new ResourcePath(type, ns, null, null),
        1 => new ResourcePath(type, ns, rest[0], null),
        2 when rest[1] == "status" && type.HasStatusSubresource => new ResourcePath(type, ns, rest[0], "status"),
        _ => null,
    };
}
