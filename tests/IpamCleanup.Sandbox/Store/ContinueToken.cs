using System.Text;
using System.Text.Json;

namespace IpamCleanup.Sandbox;

/// <summary>
/// The LIST continue token, shaped like the API server's: base64 of
/// <c>{"v":"meta.k8s.io/v1","rv":N,"start":"&lt;last key&gt;\u0000"}</c>.
/// </summary>
internal readonly record struct ContinueToken(long ResourceVersion, string StartAfterKey)
{
    public string Encode()
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["v"] = "meta.k8s.io/v1",
            ["rv"] = ResourceVersion,
            ["start"] = StartAfterKey + "\0",
        });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    public static ContinueToken Decode(string token)
    {
        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(token));
            var root = document.RootElement;
            if (root.GetProperty("v").GetString() != "meta.k8s.io/v1")
            {
                throw ApiErrors.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }

            var start = root.GetProperty("start").GetString() ?? "";
            return new ContinueToken(root.GetProperty("rv").GetInt64(), start.TrimEnd('\0'));
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw ApiErrors.BadRequest("continue key is not valid: " + e.Message);
        }
    }
}
