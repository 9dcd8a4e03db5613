using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpamCleanup.Kubernetes;

public sealed partial class CalicoClient
{
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Compare-and-swap PUT: the object is sent exactly as given (every unknown field kept) and must carry the
    /// <c>metadata.resourceVersion</c> it was read with. A stale version is <see cref="UpdateOutcome.Conflict"/>, never retried here.
    /// </summary>
    public async Task<UpdateResult> UpdateAsync(CalicoKind kind, JsonObject obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var resource = Resources[kind];
        var name = RequiredMetadata(obj, "name");
        RequiredMetadata(obj, "resourceVersion");
        var request = new ApiRequest(HttpMethod.Put, resource.ObjectPath(name), "update", resource.QualifiedName, Serialize(obj), name);
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            200 or 201 => new UpdateResult(UpdateOutcome.Updated, ParseObject(request, response), null, response.EarlierAttemptMayHaveApplied),
            409 => new UpdateResult(UpdateOutcome.Conflict, null, response.Status.Message, response.EarlierAttemptMayHaveApplied),
            404 => new UpdateResult(UpdateOutcome.NotFound, null, response.Status.Message, response.EarlierAttemptMayHaveApplied),
            _ => throw _transport.ToException(request, response),
        };
    }

    /// <summary>POST a new object. 409 is <see cref="CreateOutcome.AlreadyExists"/> (check <see cref="CreateResult.EarlierAttemptMayHaveApplied"/>).</summary>
    public async Task<CreateResult> CreateAsync(CalicoKind kind, JsonObject obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var resource = Resources[kind];
        var name = RequiredMetadata(obj, "name");
        var request = new ApiRequest(HttpMethod.Post, resource.CollectionPath(), "create", resource.QualifiedName, Serialize(obj), name);
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            200 or 201 or 202 => new CreateResult(CreateOutcome.Created, ParseObject(request, response), null, response.EarlierAttemptMayHaveApplied),
            409 => new CreateResult(CreateOutcome.AlreadyExists, null, response.Status.Message, response.EarlierAttemptMayHaveApplied),
            _ => throw _transport.ToException(request, response),
        };
    }

    /// <summary>
    /// DELETE with <c>DeleteOptions.preconditions</c> (UID and/or resourceVersion) when given: a failed precondition is
    /// <see cref="DeleteOutcome.Conflict"/> and deletes nothing.
    /// </summary>
    public async Task<DeleteResult> DeleteAsync(CalicoKind kind, string name, string? uid = null, string? resourceVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var resource = Resources[kind];
        var request = new ApiRequest(HttpMethod.Delete, resource.ObjectPath(name), "delete", resource.QualifiedName, DeleteOptions(uid, resourceVersion), name);
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            200 or 202 => new DeleteResult(DeleteOutcome.Deleted, null, response.EarlierAttemptMayHaveApplied),
            404 => new DeleteResult(DeleteOutcome.NotFound, response.Status.Message, response.EarlierAttemptMayHaveApplied),
            409 => new DeleteResult(DeleteOutcome.Conflict, response.Status.Message, response.EarlierAttemptMayHaveApplied),
            _ => throw _transport.ToException(request, response),
        };
    }

    /// <summary>
    /// libcalico's delete of blocks, handles and affinities (calico-ipam.md §1.12): a PUT with <c>spec.deleted</c> set
    /// (the string "true" for a crd.projectcalico.org/v1 BlockAffinity) and the read resourceVersion is the CAS; then a
    /// DELETE with <c>preconditions.uid</c> and the resourceVersion that PUT returned.
    /// A stale <paramref name="obj"/> gives <see cref="DeleteOutcome.Conflict"/> and changes nothing.
    /// <paramref name="obj"/> itself is not modified.
    /// </summary>
    public async Task<DeleteResult> SoftDeleteAndDeleteAsync(CalicoKind kind, JsonObject obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (kind is not (CalicoKind.IpamBlock or CalicoKind.IpamHandle or CalicoKind.BlockAffinity))
        {
            throw new ArgumentException($"Only IPAM blocks, handles and affinities have a soft-delete flag, not {kind}.", nameof(kind));
        }

        var name = RequiredMetadata(obj, "name");
        var uid = RequiredMetadata(obj, "uid");
        var marked = (JsonObject)obj.DeepClone();
        if (marked["spec"] is not JsonObject spec)
        {
            marked["spec"] = spec = new JsonObject();
        }

        spec["deleted"] = Resources.DeletedFlagIsString(kind) ? JsonValue.Create("true") : JsonValue.Create(true);

        var softDelete = await UpdateAsync(kind, marked, cancellationToken).ConfigureAwait(false);
        string markedVersion;
        switch (softDelete.Outcome)
        {
            case UpdateOutcome.NotFound:
                return new DeleteResult(DeleteOutcome.NotFound, softDelete.Message, softDelete.EarlierAttemptMayHaveApplied);
            case UpdateOutcome.Conflict:
                // Our own soft-delete may have landed before its response was lost; then finish it.
                var current = softDelete.EarlierAttemptMayHaveApplied ? await GetAsync(kind, name, cancellationToken).ConfigureAwait(false) : null;
                if (current is null || MetadataOf(current, "uid") != uid || !IsSoftDeleted(current))
                {
                    _transport.Write($"Soft delete of {Resources[kind].QualifiedName} '{name}' conflicted: the object changed since it was read.");
                    return new DeleteResult(DeleteOutcome.Conflict, softDelete.Message, softDelete.EarlierAttemptMayHaveApplied);
                }

                markedVersion = MetadataOf(current, "resourceVersion") ?? "";
                break;
            default:
                markedVersion = MetadataOf(softDelete.Object!, "resourceVersion") ?? "";
                break;
        }

        var delete = await DeleteAsync(kind, name, uid, markedVersion.Length == 0 ? null : markedVersion, cancellationToken).ConfigureAwait(false);
        switch (delete.Outcome)
        {
            case DeleteOutcome.Deleted:
                return delete;
            case DeleteOutcome.NotFound:
                // Someone (libcalico, the GC) finished the deletion we started.
                return new DeleteResult(DeleteOutcome.Deleted, "Already deleted after the soft delete.", delete.EarlierAttemptMayHaveApplied);
        }

        // The marked object changed after our soft delete. It is still marked deleted if the UID matches: finish it,
        // exactly as libcalico's readers do.
        var after = await GetAsync(kind, name, cancellationToken).ConfigureAwait(false);
        if (after is null || MetadataOf(after, "uid") != uid)
        {
            return new DeleteResult(DeleteOutcome.Deleted, "Deleted after the soft delete (by another client).", delete.EarlierAttemptMayHaveApplied);
        }

        if (!IsSoftDeleted(after))
        {
            return delete;
        }

        var finish = await DeleteAsync(kind, name, uid, null, cancellationToken).ConfigureAwait(false);
        return finish.Outcome == DeleteOutcome.NotFound ? finish with { Outcome = DeleteOutcome.Deleted } : finish;
    }

    private static bool IsSoftDeleted(JsonObject obj) =>
        (obj["spec"] as JsonObject)?["deleted"] is JsonValue value &&
        (value.TryGetValue<bool>(out var flag) ? flag : value.TryGetValue<string>(out var text) && Core.Json.GoBool.TryParse(text, out var parsed) && parsed);

    private static string? MetadataOf(JsonObject obj, string field) =>
        (obj["metadata"] as JsonObject)?[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string RequiredMetadata(JsonObject obj, string field) =>
        MetadataOf(obj, field) is { Length: > 0 } value
            ? value
            : throw new ArgumentException($"The object has no metadata.{field}; writes need the object as read from the API.", nameof(obj));

    private static byte[] Serialize(JsonObject obj) => JsonSerializer.SerializeToUtf8Bytes(obj, WriteOptions);

    private static byte[]? DeleteOptions(string? uid, string? resourceVersion)
    {
        if (uid is null && resourceVersion is null)
        {
            return null;
        }

        var preconditions = new JsonObject();
        if (uid is not null)
        {
            preconditions["uid"] = uid;
        }

        if (resourceVersion is not null)
        {
            preconditions["resourceVersion"] = resourceVersion;
        }

        var options = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "DeleteOptions", ["preconditions"] = preconditions };
        return Serialize(options);
    }
}
