using System.Text.Json;

namespace IpamCleanup.Sandbox;

/// <summary>
/// One object as the store holds it: the UTF-8 JSON exactly as written (plus server-owned metadata)
/// and the few fields the server needs, so reads never re-serialize. Immutable: a write replaces it.
/// </summary>
internal sealed class StoredObject
{
    public required ResourceType Type { get; init; }

    public required string Name { get; init; }

    public required string? Namespace { get; init; }

    public required long ResourceVersion { get; init; }

    public required long Generation { get; init; }

    public required byte[] Json { get; init; }

    public required ValueRange Labels { get; init; }

    public string Key => KeyOf(Namespace, Name);

    /// <summary>
    /// uid and creationTimestamp are read back from the bytes when a write needs them rather than kept
    /// as fields: at 300,000 objects every field costs tens of megabytes.
    /// </summary>
    public ObjectScan ReadMetadata() => ObjectScan.Read(Json, trusted: true);

    public string ResourceVersionText => ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Keys sort like etcd keys (<c>namespace/name</c>), which is the order a LIST returns.</summary>
    public static string KeyOf(string? ns, string name) => ns is null ? name : ns + "/" + name;

    public Dictionary<string, string> ReadLabels()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Labels.Exists)
        {
            return labels;
        }

        var reader = new Utf8JsonReader(Labels.Slice(Json));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return labels;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                labels[key] = reader.GetString()!;
            }
            else
            {
                reader.Skip();
            }
        }

        return labels;
    }
}
