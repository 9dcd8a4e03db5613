using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>
/// All objects the sandbox serves, keyed by resource type and namespace/name, with one global
/// resourceVersion counter. The public methods are the fault-free, uncounted back door for test
/// setup and assertions; the HTTP API and the CNI simulator use the same compare-and-swap primitives.
/// </summary>
public sealed class SandboxStore
{
    private const string DefaultNamespace = "default";
    private static readonly Random NameSuffixRandom = new();

    private readonly Dictionary<ResourceType, ResourceTable> _tables = [];
    private long _resourceVersion;
    private long _compactedResourceVersion;

    public SandboxStore(ApiLayout layout = ApiLayout.V1)
    {
        Catalog = new ResourceCatalog(layout);
        foreach (var type in Catalog.Types)
        {
            _tables[type] = new ResourceTable();
        }
    }

    public ResourceCatalog Catalog { get; }

    /// <summary>The last resourceVersion handed out; every write takes the next one.</summary>
    public long ResourceVersion => Interlocked.Read(ref _resourceVersion);

    /// <summary>Returns the object, or null. Example: <c>Get("crd.projectcalico.org/v1", "ipamblocks", null, "10-0-0-0-26")</c>.</summary>
    public JsonObject? Get(string apiVersion, string plural, string? ns, string name)
    {
        var stored = GetStored(Catalog.GetByPlural(apiVersion, plural), ns, name);
        return stored is null ? null : ToJsonObject(stored.Json);
    }

    /// <summary>The object's JSON text exactly as stored (as a GET would return it), or null.</summary>
    public string? GetJsonText(string apiVersion, string plural, string? ns, string name)
    {
        var stored = GetStored(Catalog.GetByPlural(apiVersion, plural), ns, name);
        return stored is null ? null : Encoding.UTF8.GetString(stored.Json);
    }

    /// <summary>Creates or unconditionally replaces the object (apiVersion and kind taken from it); returns the stored copy.</summary>
    public JsonObject Upsert(JsonObject obj) => ToJsonObject(Put(TypeOf(obj), JsonSerializer.SerializeToUtf8Bytes(obj, JsonDefaults.Options)).Json);

    /// <summary>Creates the object as a POST would; throws <see cref="SandboxApiException"/> (409 AlreadyExists) if it exists.</summary>
    public JsonObject Create(JsonObject obj) =>
        ToJsonObject(Create(TypeOf(obj), null, JsonSerializer.SerializeToUtf8Bytes(obj, JsonDefaults.Options), dryRun: false).Json);

    /// <summary>Compare-and-swap replace as a PUT would: a stale metadata.resourceVersion throws 409 Conflict.</summary>
    public JsonObject Replace(JsonObject obj)
    {
        var type = TypeOf(obj);
        var metadata = obj["metadata"] as JsonObject;
        var name = metadata?["name"]?.GetValue<string>() ?? throw new ArgumentException("The object has no metadata.name.", nameof(obj));
        var ns = type.Namespaced ? metadata?["namespace"]?.GetValue<string>() ?? DefaultNamespace : null;
        var body = JsonSerializer.SerializeToUtf8Bytes(obj, JsonDefaults.Options);
        return ToJsonObject(Update(type, ns, name, _ => body, dryRun: false).Json);
    }

    /// <summary>Deletes the object; false if it did not exist. Preconditions that do not match throw 409 Conflict.</summary>
    public bool Delete(string apiVersion, string plural, string? ns, string name, string? uid = null, string? resourceVersion = null)
    {
        try
        {
            Remove(Catalog.GetByPlural(apiVersion, plural), ns, name, uid, resourceVersion, dryRun: false);
            return true;
        }
        catch (SandboxApiException e) when (e.Code == 404)
        {
            return false;
        }
    }

    public IReadOnlyList<JsonObject> List(string apiVersion, string plural)
    {
        var table = _tables[Catalog.GetByPlural(apiVersion, plural)];
        List<StoredObject> items;
        lock (table.Gate)
        {
            items = table.All().ToList();
        }

        return items.Select(i => ToJsonObject(i.Json)).ToList();
    }

    public int Count(string apiVersion, string plural)
    {
        var table = _tables[Catalog.GetByPlural(apiVersion, plural)];
        lock (table.Gate)
        {
            return table.Count;
        }
    }

    /// <summary>Adds or replaces every item of a <c>v1 List</c> (as <c>kubectl get -o json</c> prints it).</summary>
    public void SeedFromList(string json) => SeedFromList(Encoding.UTF8.GetBytes(json));

    public void SeedFromList(byte[] utf8Json) => Seed(ListDocument.ReadItems(utf8Json));

    /// <summary>Adds or replaces objects given as JSON bytes; uid and creationTimestamp are kept when present.</summary>
    public void Seed(IEnumerable<byte[]> items) => Seed(items.Select(i => new ListItem(i, null, null)));

    private void Seed(IEnumerable<ListItem> items)
    {
        foreach (var table in _tables.Values)
        {
            lock (table.Gate)
            {
                table.BeginBulkLoad();
            }
        }

        foreach (var item in items)
        {
            var scan = ObjectScan.Read(item.Json, trusted: true);
            var apiVersion = scan.ApiVersionValue ?? item.DefaultApiVersion;
            var kind = scan.KindValue ?? item.DefaultKind;
            if (apiVersion is null || kind is null)
            {
                throw new ArgumentException("Every seeded item needs apiVersion and kind.");
            }

            Put(Catalog.GetByKind(apiVersion, kind), item.Json, scan);
        }
    }

    /// <summary>Everything as one <c>v1 List</c>, in catalog order and then namespace/name order.</summary>
    public string DumpList()
    {
        using var buffer = new MemoryStream();
        WriteList(buffer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public void WriteList(Stream destination)
    {
        foreach (var segment in ListSegments())
        {
            destination.Write(segment.Span);
        }
    }

    /// <summary>Removes every object; the resourceVersion counter keeps counting up.</summary>
    public void Clear()
    {
        foreach (var table in _tables.Values)
        {
            lock (table.Gate)
            {
                table.Clear();
            }
        }
    }

    /// <summary>Acts like an etcd compaction: every continue token handed out so far answers 410 Expired.</summary>
    public void ExpireContinueTokens() => Interlocked.Exchange(ref _compactedResourceVersion, ResourceVersion);

    internal IEnumerable<ReadOnlyMemory<byte>> ListSegments()
    {
        yield return """{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":["""u8.ToArray();
        var first = true;
        foreach (var type in Catalog.Types)
        {
            var table = _tables[type];
            List<StoredObject> items;
            lock (table.Gate)
            {
                items = table.All().ToList();
            }

            foreach (var item in items)
            {
                if (!first)
                {
                    yield return ","u8.ToArray();
                }

                first = false;
                yield return item.Json;
            }
        }

        yield return "]}\n"u8.ToArray();
    }

    /// <summary>The stored objects of one type, in key order, without parsing them.</summary>
    internal List<StoredObject> Snapshot(ResourceType type)
    {
        var table = _tables[type];
        lock (table.Gate)
        {
            return table.All().ToList();
        }
    }

    internal StoredObject? GetStored(ResourceType type, string? ns, string name)
    {
        var table = _tables[type];
        lock (table.Gate)
        {
            return table.Get(StoredObject.KeyOf(type.Namespaced ? ns ?? DefaultNamespace : null, name));
        }
    }

    internal ListPage ListPage(ResourceType type, string? ns, ContinueToken? token, int limit, Func<StoredObject, bool>? filter)
    {
        if (token is { } t && t.ResourceVersion <= Interlocked.Read(ref _compactedResourceVersion))
        {
            throw ApiErrors.Expired();
        }

        var table = _tables[type];
        lock (table.Gate)
        {
            return table.Page(ns is null ? null : ns + "/", token?.StartAfterKey, limit, filter);
        }
    }

    /// <summary>POST semantics: the server assigns uid, creationTimestamp, generation and resourceVersion.</summary>
    internal StoredObject Create(ResourceType type, string? pathNamespace, byte[] body, bool dryRun)
    {
        var scan = ObjectScan.Read(body);
        CheckType(type, scan);
        var ns = ResolveNamespace(type, scan.NamespaceValue, pathNamespace);
        var name = scan.NameValue
            ?? (scan.GenerateNameValue is { } prefix ? prefix + RandomSuffix() : null)
            ?? throw ApiErrors.Invalid(type, "", "metadata.name", "Required value: name or generateName is required");
        if (scan.ResourceVersionValue is not null)
        {
            throw ApiErrors.BadRequest("resourceVersion should not be set on objects to be created");
        }

        var table = _tables[type];
        lock (table.Gate)
        {
            if (table.Get(StoredObject.KeyOf(ns, name)) is not null)
            {
                throw ApiErrors.AlreadyExists(type, name);
            }

            var resourceVersion = dryRun ? ResourceVersion : Interlocked.Increment(ref _resourceVersion);
            var stored = Build(type, body, scan, ns, name, Guid.NewGuid().ToString(), Now(), 1, resourceVersion);
            if (!dryRun)
            {
                table.Put(stored);
            }

            return stored;
        }
    }

    /// <summary>Seed/upsert semantics: create or replace unconditionally, keeping a given uid and creationTimestamp.</summary>
    internal StoredObject Put(ResourceType type, byte[] body) => Put(type, body, ObjectScan.Read(body));

    /// <summary>
    /// PUT semantics, as compare-and-swap: <paramref name="build"/> turns the current object into the
    /// new body while the table is locked (PATCH and status rules need the current object).
    /// </summary>
    internal StoredObject Update(ResourceType type, string? ns, string name, Func<StoredObject, byte[]> build, bool dryRun)
    {
        ns = type.Namespaced ? ns ?? DefaultNamespace : null;
        var table = _tables[type];
        lock (table.Gate)
        {
            var current = table.Get(StoredObject.KeyOf(ns, name)) ?? throw ApiErrors.NotFound(type, name);
            var body = build(current);
            var scan = ObjectScan.Read(body);
            CheckType(type, scan);
            if (scan.NameValue is { } bodyName && bodyName != name)
            {
                throw ApiErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            ResolveNamespace(type, scan.NamespaceValue, ns);
            var currentMetadata = current.ReadMetadata();
            var currentUid = currentMetadata.UidValue ?? "";
            if (scan.UidValue is { } uid && uid != currentUid)
            {
                throw ApiErrors.PreconditionFailed(type, name, "UID", uid, currentUid);
            }

            if (scan.ResourceVersionValue is null)
            {
                if (!type.AllowUnconditionalUpdate)
                {
                    throw ApiErrors.Invalid(type, name, "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update");
                }
            }
            else if (scan.ResourceVersionValue != current.ResourceVersionText)
            {
                throw ApiErrors.Modified(type, name);
            }

            var specChanged = !scan.Spec.Slice(body).SequenceEqual(ObjectScan.Read(current.Json).Spec.Slice(current.Json));
            var generation = current.Generation + (specChanged ? 1 : 0);
            var creationTimestamp = currentMetadata.CreationTimestampValue ?? Now();
            var unchanged = Build(type, body, scan, ns, name, currentUid, creationTimestamp, generation, current.ResourceVersion);

            // Like etcd's GuaranteedUpdate: writing identical bytes is not a change and keeps the resourceVersion.
            if (unchanged.Json.AsSpan().SequenceEqual(current.Json) || dryRun)
            {
                return unchanged;
            }

            var stored = Build(type, body, scan, ns, name, currentUid, creationTimestamp, generation, Interlocked.Increment(ref _resourceVersion));
            table.Put(stored);
            return stored;
        }
    }

    /// <summary>DELETE semantics with DeleteOptions preconditions; returns the object as it was.</summary>
    internal StoredObject Remove(ResourceType type, string? ns, string name, string? uidPrecondition, string? resourceVersionPrecondition, bool dryRun)
    {
        ns = type.Namespaced ? ns ?? DefaultNamespace : null;
        var table = _tables[type];
        lock (table.Gate)
        {
            var current = table.Get(StoredObject.KeyOf(ns, name)) ?? throw ApiErrors.NotFound(type, name);
            var currentUid = current.ReadMetadata().UidValue ?? "";
            if (uidPrecondition is not null && uidPrecondition != currentUid)
            {
                throw ApiErrors.PreconditionFailed(type, name, "UID", uidPrecondition, currentUid);
            }

            if (resourceVersionPrecondition is not null && resourceVersionPrecondition != current.ResourceVersionText)
            {
                throw ApiErrors.PreconditionFailed(type, name, "ResourceVersion", resourceVersionPrecondition, current.ResourceVersionText);
            }

            if (!dryRun)
            {
                table.Remove(current.Key);
                Interlocked.Increment(ref _resourceVersion);
            }

            return current;
        }
    }

    internal static JsonObject ToJsonObject(byte[] json) =>
        JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("A stored object is not a JSON object.");

    private StoredObject Put(ResourceType type, byte[] body, ObjectScan scan)
    {
        CheckType(type, scan);
        var ns = ResolveNamespace(type, scan.NamespaceValue, null);
        var name = scan.NameValue ?? throw new ArgumentException($"A {type.Kind} without metadata.name cannot be stored.");
        var table = _tables[type];
        lock (table.Gate)
        {
            var existing = table.Get(StoredObject.KeyOf(ns, name))?.ReadMetadata();
            var uid = scan.UidValue ?? existing?.UidValue ?? Guid.NewGuid().ToString();
            var created = scan.CreationTimestampValue ?? existing?.CreationTimestampValue ?? Now();
            var generation = scan.GenerationValue ?? existing?.GenerationValue ?? 1;
            var stored = Build(type, body, scan, ns, name, uid, created, generation, Interlocked.Increment(ref _resourceVersion));
            table.Put(stored);
            return stored;
        }
    }

    private static StoredObject Build(ResourceType type, byte[] body, ObjectScan scan, string? ns, string name, string uid, string creationTimestamp, long generation, long resourceVersion)
    {
        var stamped = MetadataStamper.Stamp(body, scan, new MetadataStamp
        {
            ApiVersion = type.ApiVersion,
            Kind = type.Kind,
            Name = scan.NameValue == name ? null : name,
            Namespace = ns is not null && scan.NamespaceValue != ns ? ns : null,
            Uid = scan.UidValue == uid ? null : uid,
            CreationTimestamp = scan.CreationTimestampValue == creationTimestamp ? null : creationTimestamp,
            ResourceVersion = resourceVersion.ToString(CultureInfo.InvariantCulture),
            Generation = scan.GenerationValue == generation ? null : generation,
        });
        return new StoredObject
        {
            Type = type,
            Name = name,
            // A handful of namespace names are shared by 150,000 pods.
            Namespace = ns is null ? null : string.Intern(ns),
            ResourceVersion = resourceVersion,
            Generation = generation,
            Json = stamped.Json,
            Labels = stamped.Labels,
        };
    }

    private ResourceType TypeOf(JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]?.GetValue<string>() ?? throw new ArgumentException("The object has no apiVersion.", nameof(obj));
        var kind = obj["kind"]?.GetValue<string>() ?? throw new ArgumentException("The object has no kind.", nameof(obj));
        return Catalog.GetByKind(apiVersion, kind);
    }

    private static void CheckType(ResourceType type, ObjectScan scan)
    {
        if ((scan.ApiVersionValue is not null && scan.ApiVersionValue != type.ApiVersion) || (scan.KindValue is not null && scan.KindValue != type.Kind))
        {
            throw ApiErrors.BadRequest($"the API version in the data ({scan.ApiVersionValue}) or kind ({scan.KindValue}) does not match the expected API version ({type.ApiVersion}) and kind ({type.Kind})");
        }
    }

    private static string? ResolveNamespace(ResourceType type, string? bodyNamespace, string? pathNamespace)
    {
        if (!type.Namespaced)
        {
            return null;
        }

        if (bodyNamespace is not null && pathNamespace is not null && bodyNamespace != pathNamespace)
        {
            throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        return bodyNamespace ?? pathNamespace ?? DefaultNamespace;
    }

    private static string Now() => GoTime.NowRfc3339();

    private static string RandomSuffix()
    {
        // The API server's generateName alphabet: no vowels, no confusable characters.
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        lock (NameSuffixRandom)
        {
            return new string(Enumerable.Range(0, 5).Select(_ => alphabet[NameSuffixRandom.Next(alphabet.Length)]).ToArray());
        }
    }
}
