using Microsoft.AspNetCore.Http;

namespace IpamCleanup.Sandbox;

/// <summary>Reads a whole request body; API objects and seed lists are needed in one piece.</summary>
internal static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
