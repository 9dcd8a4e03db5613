using System.Buffers;
using System.Text;
using System.Text.Json;

namespace IpamCleanup.Core.Snapshot;

/// <summary>
/// Loads a snapshot from the JSON that <c>kubectl get &lt;resources&gt; -A -o json</c> prints (a <c>v1 List</c>),
/// streaming item by item so that a dump of any size needs memory only for its largest item and the records kept.
/// </summary>
public static class SnapshotFile
{
    public const string InvalidErrorId = "SnapshotFileInvalid";
    public const string NotFoundErrorId = "SnapshotFileNotFound";
    public const string UnreadableErrorId = "SnapshotFileUnreadable";

    private const string RecommendedAction =
        "Create the file with: kubectl get pods,nodes,services,ipamblocks.crd.projectcalico.org,ipamhandles.crd.projectcalico.org," +
        "blockaffinities.crd.projectcalico.org,ippools.crd.projectcalico.org,clusterinformations.crd.projectcalico.org," +
        "ipamconfigs.crd.projectcalico.org,kubecontrollersconfigurations.crd.projectcalico.org -A -o json > snapshot.json " +
        "(use the projectcalico.org resources on clusters with native v3 CRDs).";

    private const int InitialBufferSize = 64 * 1024;

    /// <param name="path">The kubectl List JSON file (UTF-8, or UTF-16 with a byte order mark).</param>
    /// <param name="apiLayout">The Calico API layout to read IPAM objects from; null detects it from the items.</param>
    /// <param name="takenAt">When the dump was taken; defaults to the file's last write time.</param>
    /// <exception cref="IpamCleanupException">
    /// SnapshotFileNotFound; SnapshotFileUnreadable; SnapshotFileInvalid when the file is not a kubectl List.
    /// </exception>
    public static ClusterSnapshot Load(string path, string? apiLayout = null, DateTimeOffset? takenAt = null)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new IpamCleanupException(NotFoundErrorId, "ObjectNotFound", $"The snapshot file '{path}' does not exist.", "Check the path of the kubectl List JSON file.", path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, ex);
        }

        using (stream)
        {
            return Load(stream, apiLayout, takenAt ?? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero), path);
        }
    }

    /// <exception cref="IpamCleanupException">SnapshotFileInvalid when the stream does not hold a kubectl List.</exception>
    public static ClusterSnapshot Load(Stream stream, string? apiLayout, DateTimeOffset takenAt) => Load(stream, apiLayout, takenAt, "<stream>");

    private static ClusterSnapshot Load(Stream stream, string? apiLayout, DateTimeOffset takenAt, string source)
    {
        var builder = apiLayout is null ? new ClusterSnapshotBuilder(takenAt) : new ClusterSnapshotBuilder(apiLayout, takenAt);
        Stream? transcoded = null;
        try
        {
            transcoded = Utf16Transcoder(stream);
            var kind = ReadList(transcoded ?? stream, builder.Add);
            if (kind is null || !kind.EndsWith("List", StringComparison.Ordinal))
            {
                throw Invalid(source, kind is null ? "it has no 'kind'" : $"its kind is '{kind}', not 'List'", null);
            }

            return builder.Build();
        }
        catch (JsonException ex)
        {
            throw Invalid(source, "it is not valid JSON: " + ex.Message, ex);
        }
        catch (InvalidDataException ex)
        {
            throw Invalid(source, ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw Unreadable(source, ex);
        }
        finally
        {
            transcoded?.Dispose();
        }
    }

    private static IpamCleanupException Unreadable(string source, Exception inner) =>
        new(UnreadableErrorId, "ReadError", $"The snapshot file '{source}' could not be read: {inner.Message}", "Check that the file is readable and not locked by another process.", source, inner);

    private static IpamCleanupException Invalid(string source, string why, Exception? inner) =>
        new(InvalidErrorId, "InvalidData", $"The snapshot file '{source}' is not a kubectl List: {why}.", RecommendedAction, source, inner);

    // Windows PowerShell's '>' writes UTF-16; re-encode such files to UTF-8 (a UTF-8 BOM is skipped by the reader).
    private static Stream? Utf16Transcoder(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return null;
        }

        Span<byte> bom = stackalloc byte[2];
        var start = stream.Position;
        var read = stream.ReadAtLeast(bom, 2, throwOnEndOfStream: false);
        stream.Position = start;
        if (read < 2)
        {
            return null;
        }

        Encoding? encoding = (bom[0], bom[1]) switch
        {
            (0xFF, 0xFE) => Encoding.Unicode,
            (0xFE, 0xFF) => Encoding.BigEndianUnicode,
            _ => null,
        };
        return encoding is null ? null : Encoding.CreateTranscodingStream(stream, encoding, Encoding.UTF8, leaveOpen: true);
    }

    /// <summary>Streams the top-level object, handing each element of "items" to <paramref name="onItem"/>; returns "kind".</summary>
    private static string? ReadList(Stream stream, Func<JsonElement, bool> onItem)
    {
        var (buffer, start, end, isFinal) = Refill(stream, ArrayPool<byte>.Shared.Rent(InitialBufferSize), 0, 0);
        try
        {
            if (end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
            {
                start = 3;
            }

            var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 256 });
            var phase = Phase.Start;
            string? kind = null;
            while (true)
            {
                var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), isFinal, state);
                var committed = 0L;
                var committedState = state;
                while (phase != Phase.Done && Step(ref reader, ref phase, ref kind, onItem))
                {
                    committed = reader.BytesConsumed;
                    committedState = reader.CurrentState;
                }

                start += (int)committed;
                state = committedState;
                if (phase == Phase.Done)
                {
                    return kind;
                }

                if (isFinal)
                {
                    throw new InvalidDataException(end == 0 ? "it is empty" : "it ends before the JSON is complete");
                }

                (buffer, start, end, isFinal) = Refill(stream, buffer, start, end);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One atomic step; false means the buffer ended first and the step must be redone with more data.</summary>
    private static bool Step(ref Utf8JsonReader reader, ref Phase phase, ref string? kind, Func<JsonElement, bool> onItem)
    {
        if (!reader.Read())
        {
            return false;
        }

        switch (phase)
        {
            case Phase.Start:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new InvalidDataException("the top-level value is not a JSON object");
                }

                phase = Phase.TopLevel;
                return true;

            case Phase.TopLevel:
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    phase = Phase.Done;
                    return true;
                }

                var isItems = reader.ValueTextEquals("items"u8);
                var isKind = reader.ValueTextEquals("kind"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isItems && reader.TokenType == JsonTokenType.StartArray)
                {
                    phase = Phase.Items;
                    return true;
                }

                if (isItems && reader.TokenType != JsonTokenType.Null)
                {
                    throw new InvalidDataException("'items' is not an array");
                }

                if (isKind && reader.TokenType == JsonTokenType.String)
                {
                    kind = reader.GetString();
                }

                return reader.TrySkip();

            case Phase.Items:
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    phase = Phase.TopLevel;
                    return true;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return reader.TrySkip();
                }

                var probe = reader;
                if (!probe.TrySkip())
                {
                    return false;
                }

                using (var item = JsonDocument.ParseValue(ref reader))
                {
                    onItem(item.RootElement);
                }

                return true;

            default:
                return true;
        }
    }

    private static (byte[] Buffer, int Start, int End, bool IsFinal) Refill(Stream stream, byte[] buffer, int start, int end)
    {
        var remaining = end - start;
        if (remaining == buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, start, larger, 0, remaining);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        else if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, remaining);
        }

        var filled = remaining;
        while (filled < buffer.Length)
        {
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                return (buffer, 0, filled, true);
            }

            filled += read;
        }

        return (buffer, 0, filled, false);
    }

    private enum Phase
    {
        Start,
        TopLevel,
        Items,
        Done,
    }
}
