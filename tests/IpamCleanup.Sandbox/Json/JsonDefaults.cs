using System.Text.Encodings.Web;
using System.Text.Json;

namespace IpamCleanup.Sandbox;

/// <summary>
/// Serialization settings for everything the sandbox writes: no HTML-safe escaping, so that
/// annotations holding JSON (kubectl's last-applied-configuration) stay readable, as the API server writes them.
/// </summary>
internal static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
