using System.Text.Encodings.Web;
using System.Text.Json;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// Appends one JSON object per line to a file and flushes after every line, so a crash loses at most the line being
/// written. Opened once, shared for reading (tail -f works), safe to call from many threads.
/// </summary>
public sealed class JsonLinesAuditSink : IAuditSink, IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly object _gate = new();
    private readonly FileStream _stream;
    private readonly MemoryStream _buffer = new();
    private bool _disposed;

    /// <summary>Opens (or creates, with its folder) the file for appending.</summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder is not writable.</exception>
    public JsonLinesAuditSink(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    public string Path { get; }

    public void Write(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _buffer.SetLength(0);
            using (var writer = new Utf8JsonWriter(_buffer, WriterOptions))
            {
                WriteRecord(writer, record);
            }

            _buffer.WriteByte((byte)'\n');
            _stream.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);
            _stream.Flush(flushToDisk: false);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stream.Dispose();
            _buffer.Dispose();
        }
    }

    private static void WriteRecord(Utf8JsonWriter writer, AuditRecord record)
    {
        writer.WriteStartObject();
        writer.WriteString("time", record.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteString("user", record.User);
        writer.WriteString("context", record.Context);
        writer.WriteString("server", record.Server);
        WriteOptional(writer, "clusterGuid", record.ClusterGuid);
        WriteOptional(writer, "changeRequest", record.ChangeRequest);
        writer.WriteString("kind", record.ObjectKind);
        writer.WriteString("name", record.ObjectName);
        WriteOptional(writer, "resourceVersionBefore", record.ResourceVersionBefore);
        WriteOptional(writer, "resourceVersionAfter", record.ResourceVersionAfter);
        writer.WriteString("action", record.Action);
        writer.WriteString("result", record.Result);
        WriteOptional(writer, "message", record.Message);
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
