using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace IpamCleanup.Sandbox;

/// <summary>Writes an <see cref="ApiResponse"/>, or half of it and then cuts the connection when a drop fault hit.</summary>
internal static class ResponseWriter
{
    private const int FlushThreshold = 256 * 1024;

    public static async Task WriteAsync(HttpContext context, ApiResponse response, bool dropConnection)
    {
        var http = context.Response;
        http.StatusCode = response.StatusCode;
        http.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            http.Headers[name] = value;
        }

        var length = response.Length;
        http.ContentLength = length;
        var budget = dropConnection ? length / 2 : length;
        var writer = http.BodyWriter;
        var pending = 0L;
        foreach (var segment in response.Body)
        {
            if (budget <= 0)
            {
                break;
            }

            var part = segment.Length <= budget ? segment : segment[..(int)budget];
            writer.Write(part.Span);
            budget -= part.Length;
            pending += part.Length;
            if (pending >= FlushThreshold)
            {
                await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                pending = 0;
            }
        }

        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        if (dropConnection)
        {
            context.Abort();
        }
    }
}
