using System.Text.Json;

namespace IpamCleanup.Sandbox;

/// <summary>
/// One forward pass over a Kubernetes object's JSON that finds the top-level and metadata fields the
/// server owns, without building a DOM: writes stay cheap and the rest of the bytes stay untouched.
/// </summary>
internal sealed class ObjectScan
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    public int RootOpen { get; private set; } = -1;

    public bool RootHasProperties { get; private set; }

    public int MetadataOpen { get; private set; } = -1;

    public bool MetadataHasProperties { get; private set; }

    public ValueRange ApiVersion { get; private set; } = ValueRange.None;

    public ValueRange Kind { get; private set; } = ValueRange.None;

    public ValueRange Spec { get; private set; } = ValueRange.None;

    public ValueRange Name { get; private set; } = ValueRange.None;

    public ValueRange Namespace { get; private set; } = ValueRange.None;

    public ValueRange Uid { get; private set; } = ValueRange.None;

    public ValueRange ResourceVersion { get; private set; } = ValueRange.None;

    public ValueRange CreationTimestamp { get; private set; } = ValueRange.None;

    public ValueRange Generation { get; private set; } = ValueRange.None;

    public ValueRange Labels { get; private set; } = ValueRange.None;

    public string? ApiVersionValue { get; private set; }

    public string? KindValue { get; private set; }

    public string? NameValue { get; private set; }

    public string? GenerateNameValue { get; private set; }

    public string? NamespaceValue { get; private set; }

    public string? UidValue { get; private set; }

    public string? ResourceVersionValue { get; private set; }

    public string? CreationTimestampValue { get; private set; }

    public long? GenerationValue { get; private set; }

    /// <summary>Scans <paramref name="json"/>; a body that is not a single JSON object is a 400 BadRequest.</summary>
    /// <param name="json">The object.</param>
    /// <param name="trusted">
    /// For objects the sandbox wrote itself (generated or seeded): stop once apiVersion, kind and metadata
    /// are found, leaving the rest unvalidated and <see cref="Spec"/> unknown. Seeding 150,000 pods is then
    /// not dominated by tokenizing their specs.
    /// </param>
    public static ObjectScan Read(ReadOnlySpan<byte> json, bool trusted = false)
    {
        try
        {
            var scan = new ObjectScan();
            scan.ReadRoot(json, trusted);
            return scan;
        }
        catch (JsonException e)
        {
            throw ApiErrors.BadRequest("the request body is not valid JSON: " + e.Message);
        }
    }

    private void ReadRoot(ReadOnlySpan<byte> json, bool trusted)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw ApiErrors.BadRequest("the request body must be a JSON object");
        }

        RootOpen = (int)reader.TokenStartIndex;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            RootHasProperties = true;
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            var isApiVersion = reader.ValueTextEquals("apiVersion"u8);
            var isKind = reader.ValueTextEquals("kind"u8);
            var isSpec = reader.ValueTextEquals("spec"u8);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            if (isMetadata && reader.TokenType == JsonTokenType.StartObject)
            {
                MetadataOpen = start;
                ReadMetadata(ref reader);
                if (trusted && ApiVersion.Exists && Kind.Exists)
                {
                    return;
                }

                continue;
            }

            if (isApiVersion)
            {
                ApiVersionValue = StringOrNull(ref reader);
                ApiVersion = new ValueRange(start, (int)reader.BytesConsumed);
            }
            else if (isKind)
            {
                KindValue = StringOrNull(ref reader);
                Kind = new ValueRange(start, (int)reader.BytesConsumed);
            }
            else
            {
                reader.Skip();
                if (isSpec)
                {
                    Spec = new ValueRange(start, (int)reader.BytesConsumed);
                }
                else if (isMetadata)
                {
                    throw ApiErrors.BadRequest("metadata must be a JSON object");
                }
            }
        }

        if (reader.Read())
        {
            throw ApiErrors.BadRequest("the request body must hold exactly one JSON object");
        }
    }

    private void ReadMetadata(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            MetadataHasProperties = true;
            var field = Classify(ref reader);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            if (field == MetadataField.Name)
            {
                NameValue = StringOrNull(ref reader);
                Name = new ValueRange(start, (int)reader.BytesConsumed);
            }
            else if (field == MetadataField.GenerateName)
            {
                GenerateNameValue = StringOrNull(ref reader);
            }
            else if (field == MetadataField.Namespace)
            {
                NamespaceValue = StringOrNull(ref reader);
                Namespace = new ValueRange(start, (int)reader.BytesConsumed);
            }
            else if (field == MetadataField.Uid)
            {
                UidValue = StringOrNull(ref reader);
                Uid = new ValueRange(start, (int)reader.BytesConsumed);
            }
            else if (field == MetadataField.ResourceVersion)
            {
                ResourceVersionValue = StringOrNull(ref reader);
                ResourceVersion = new ValueRange(start, (int)reader.BytesConsumed);
            }
            else if (field == MetadataField.CreationTimestamp)
            {
                CreationTimestampValue = StringOrNull(ref reader);
                CreationTimestamp = new ValueRange(start, (int)reader.BytesConsumed);
            }
            else if (field == MetadataField.Generation)
            {
                GenerationValue = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var generation) ? generation : null;
                reader.Skip();
                Generation = new ValueRange(start, (int)reader.BytesConsumed);
            }
            else
            {
                reader.Skip();
                if (field == MetadataField.Labels)
                {
                    Labels = new ValueRange(start, (int)reader.BytesConsumed);
                }
            }
        }
    }

    private enum MetadataField
    {
        Other,
        Name,
        GenerateName,
        Namespace,
        Uid,
        ResourceVersion,
        CreationTimestamp,
        Generation,
        Labels,
    }

    private static MetadataField Classify(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("name"u8) ? MetadataField.Name
        : reader.ValueTextEquals("generateName"u8) ? MetadataField.GenerateName
        : reader.ValueTextEquals("namespace"u8) ? MetadataField.Namespace
        : reader.ValueTextEquals("uid"u8) ? MetadataField.Uid
        : reader.ValueTextEquals("resourceVersion"u8) ? MetadataField.ResourceVersion
        : reader.ValueTextEquals("creationTimestamp"u8) ? MetadataField.CreationTimestamp
        : reader.ValueTextEquals("generation"u8) ? MetadataField.Generation
        : reader.ValueTextEquals("labels"u8) ? MetadataField.Labels
        : MetadataField.Other;

    private static string? StringOrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var value = reader.GetString();
            return string.IsNullOrEmpty(value) ? null : value;
        }

        reader.Skip();
        return null;
    }
}
