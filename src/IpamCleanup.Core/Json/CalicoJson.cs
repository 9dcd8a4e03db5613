using System.Text.Encodings.Web;
using System.Text.Json;

namespace IpamCleanup.Core.Json;

/// <summary>Serializer settings shared by the model: compact, and no HTML escaping of '+', '&lt;' or non-ASCII text.</summary>
internal static class CalicoJson
{
    public static JsonSerializerOptions WriteOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };
}
