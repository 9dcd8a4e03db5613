using System.Collections.Concurrent;
using System.Text.Json;
using IpamCleanup.Core.Json;
using IpamCleanup.Core.Snapshot;
using static IpamCleanup.Kubernetes.ListItemReader;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// Reads the IPAMHandles of a LIST page straight into <see cref="HandleInfo"/> records with a forward-only
/// <see cref="Utf8JsonReader"/>; handles are the most numerous objects of a scan after pods. It yields exactly what
/// Core's <see cref="ClusterSnapshotBuilder.AddHandle"/> yields, soft-deleted handles left out (a test compares the
/// two). Thread-safe: pages are parsed in parallel.
/// </summary>
internal sealed class HandleExtractor
{
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    public List<HandleInfo> ExtractPage(ReadOnlySpan<byte> page) => ListItemReader.ReadItems<HandleInfo>(page, ReadHandle);

    /// <summary>One handle, or null when it is soft-deleted; the reader is on its StartObject and ends on its EndObject.</summary>
    private HandleInfo? ReadHandle(ref Utf8JsonReader reader)
    {
        string? name = null, uid = null, resourceVersion = null, created = null, handleId = null;
        bool? deleted = null;
        Dictionary<string, int>? blocks = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                name = uid = resourceVersion = created = null;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("name"u8))
                    {
                        name = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("uid"u8))
                    {
                        uid = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("resourceVersion"u8))
                    {
                        resourceVersion = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("creationTimestamp"u8))
                    {
                        created = ReadString(ref reader);
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }
                }
            }
            else if (reader.ValueTextEquals("spec"u8))
            {
                reader.Read();
                handleId = null;
                deleted = null;
                blocks = null;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("handleID"u8))
                    {
                        handleId = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("deleted"u8))
                    {
                        deleted = ReadBool(ref reader);
                    }
                    else if (reader.ValueTextEquals("block"u8))
                    {
                        reader.Read();
                        blocks = ReadBlocks(ref reader);
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        if (deleted == true)
        {
            return null;
        }

        name ??= string.Empty;
        return new HandleInfo(
            name,
            uid ?? string.Empty,
            resourceVersion ?? string.Empty,
            GoTimestamp.Parse(created),
            handleId ?? name,
            blocks ?? new Dictionary<string, int>(StringComparer.Ordinal));
    }

    /// <summary><c>spec.block</c>: block CIDR → count, integer counts only; null (no entries) when it is not an object.</summary>
    private Dictionary<string, int>? ReadBlocks(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        var blocks = new Dictionary<string, int>(1, StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var cidr = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var count))
            {
                blocks[_strings.GetOrAdd(cidr, cidr)] = count;
            }
            else
            {
                reader.Skip();
            }
        }

        return blocks;
    }
}
