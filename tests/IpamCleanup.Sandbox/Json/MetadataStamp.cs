namespace IpamCleanup.Sandbox;

/// <summary>The server-owned fields to write into an object; null leaves a field as it is.</summary>
internal sealed class MetadataStamp
{
    /// <summary>Inserted only when the object has no apiVersion.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>Inserted only when the object has no kind.</summary>
    public string? Kind { get; init; }

    public string? Name { get; init; }

    public string? Namespace { get; init; }

    public string? Uid { get; init; }

    public string? CreationTimestamp { get; init; }

    public string? ResourceVersion { get; init; }

    public long? Generation { get; init; }
}
