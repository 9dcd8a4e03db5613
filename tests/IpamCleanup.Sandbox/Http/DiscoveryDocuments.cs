using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>
/// The discovery and OpenAPI answers, built once. Legacy (non-aggregated) discovery is enough for
/// kubectl: it falls back when /api and /apis answer plain application/json. The OpenAPI v3 documents
/// exist so that kubectl's field-validation probe finds a PATCH operation with a fieldValidation
/// parameter for every kind, and then validates on the server instead of demanding a schema.
/// </summary>
internal sealed class DiscoveryDocuments
{
    private static readonly string[] Verbs = ["create", "delete", "get", "list", "patch", "update"];
    private readonly ResourceCatalog _catalog;
    private readonly Dictionary<string, byte[]> _documents = new(StringComparer.Ordinal);

    public DiscoveryDocuments(ResourceCatalog catalog)
    {
        _catalog = catalog;
        _documents["version"] = Serialize(new JsonObject
        {
            ["major"] = "1",
            ["minor"] = "32",
            ["gitVersion"] = "v1.32.0-sandbox",
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-01-01T00:00:00Z",
            ["goVersion"] = "go1.23.4",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        });
        _documents["api"] = Serialize(new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(),
        });
        var groups = catalog.GroupVersions.Where(gv => gv.Group.Length > 0).Select(gv => gv.Group).Distinct().ToList();
        _documents["apis"] = Serialize(new JsonObject
        {
            ["kind"] = "APIGroupList",
            ["apiVersion"] = "v1",
            ["groups"] = new JsonArray(groups.Select(g => (JsonNode)Group(g)).ToArray()),
        });
        var openApiPaths = new JsonObject();
        foreach (var (group, version) in catalog.GroupVersions)
        {
            var path = group.Length == 0 ? "api/" + version : "apis/" + group + "/" + version;
            _documents[path] = Serialize(ResourceList(group, version));
            _documents["openapi/v3/" + path] = Serialize(OpenApi(group, version));
            openApiPaths[path] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + path };
            if (group.Length > 0)
            {
                _documents["apis/" + group] = Serialize(Group(group));
            }
        }

        _documents["openapi/v3"] = Serialize(new JsonObject { ["paths"] = openApiPaths });
    }

    /// <summary>The document for a path such as <c>apis/crd.projectcalico.org/v1</c>, or null.</summary>
    public byte[]? Find(string path) => _documents.TryGetValue(path.Trim('/'), out var document) ? document : null;

    private JsonObject Group(string group)
    {
        var versions = _catalog.GroupVersions.Where(gv => gv.Group == group)
            .Select(gv => (JsonNode)new JsonObject { ["groupVersion"] = group + "/" + gv.Version, ["version"] = gv.Version })
            .ToArray();
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray(versions),
            ["preferredVersion"] = versions[0].DeepClone(),
        };
    }

    private JsonObject ResourceList(string group, string version)
    {
        var resources = new JsonArray();
        foreach (var type in _catalog.InGroupVersion(group, version))
        {
            var resource = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray(Verbs.Select(v => (JsonNode)v).ToArray()),
            };
            if (type.ShortNames.Count > 0)
            {
                resource["shortNames"] = new JsonArray(type.ShortNames.Select(s => (JsonNode)s).ToArray());
            }

            if (type.Plural is "pods" or "services")
            {
                resource["categories"] = new JsonArray("all");
            }

            resources.Add(resource);
            if (type.HasStatusSubresource)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = type.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                    ["kind"] = type.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
            ["resources"] = resources,
        };
    }

    private JsonObject OpenApi(string group, string version)
    {
        var paths = new JsonObject();
        foreach (var type in _catalog.InGroupVersion(group, version))
        {
            var prefix = (group.Length == 0 ? "/api/" + version : "/apis/" + group + "/" + version) + (type.Namespaced ? "/namespaces/{namespace}" : "");
            paths[prefix + "/" + type.Plural + "/{name}"] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = type.Kind },
                    ["parameters"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "fieldValidation",
                        ["in"] = "query",
                        ["schema"] = new JsonObject { ["type"] = "string" },
                    }),

                    // No strategic-merge entry: kubectl would then want per-field schemas this server does not have.
                    ["requestBody"] = new JsonObject
                    {
                        ["content"] = new JsonObject
                        {
                            ["application/merge-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
                            ["application/json-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
                        },
                    },
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes (IpamCleanup sandbox)", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static byte[] Serialize(JsonObject value) => JsonSerializer.SerializeToUtf8Bytes(value);
}
