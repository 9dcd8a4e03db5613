using System.Text;
using System.Text.Json;

namespace IpamCleanup.Sandbox;

/// <summary>A response assembled as a list of byte segments, so LIST pages are stored bytes concatenated, never re-serialized.</summary>
internal sealed class ApiResponse
{
    public ApiResponse(int statusCode, IReadOnlyList<ReadOnlyMemory<byte>> body, string contentType = "application/json")
    {
        StatusCode = statusCode;
        Body = body;
        ContentType = contentType;
    }

    public int StatusCode { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Body { get; }

    public string ContentType { get; }

    public Dictionary<string, string> Headers { get; } = [];

    /// <summary>Set by writes that changed the store, so the write counter counts only applied writes.</summary>
    public bool AppliedWrite { get; init; }

    public long Length => Body.Sum(b => (long)b.Length);

    public static ApiResponse Json(int statusCode, byte[] body, bool appliedWrite = false) => new(statusCode, [body]) { AppliedWrite = appliedWrite };

    public static ApiResponse Json(object value) => Json(200, JsonSerializer.SerializeToUtf8Bytes(value, JsonDefaults.Options));

    public static ApiResponse Text(int statusCode, string text) => new(statusCode, [Encoding.UTF8.GetBytes(text)], "text/plain; charset=utf-8");

    public static ApiResponse Error(SandboxApiException error)
    {
        var response = Json(error.Code, error.ToStatusJson());
        if (error.RetryAfterSeconds is { } seconds)
        {
            response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response;
    }
}
