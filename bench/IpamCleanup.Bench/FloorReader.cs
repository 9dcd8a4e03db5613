using System.Net.Http.Headers;
using System.Text.Json;

namespace IpamCleanup.Bench;

/// <summary>
/// The floor: fetches the same objects as a snapshot read, in the same order and with the same page size, through a
/// bare <see cref="HttpClient"/>, and only skims each body with a <see cref="Utf8JsonReader"/> (counting items and
/// finding the continue token). No parsing into objects, no retries, no logging.
/// </summary>
internal sealed class FloorReader : IDisposable
{
    private readonly HttpClient _http;
    private readonly int _pageSize;
    private byte[] _buffer = new byte[1 << 20];

    public FloorReader(Uri baseUri, string token, int pageSize)
    {
        _http = new HttpClient { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _pageSize = pageSize;
    }

    /// <returns>Items seen.</returns>
    public async Task<long> ReadAsync(IReadOnlyList<string> singletonPaths, IReadOnlyList<string> listPaths)
    {
        long items = 0;
        foreach (var path in singletonPaths)
        {
            var length = await FetchAsync(path);
            items += length > 0 ? 1 : 0;
        }

        foreach (var path in listPaths)
        {
            string? continueToken = null;
            do
            {
                var url = $"{path}?limit={_pageSize}" + (continueToken is null ? "" : "&continue=" + Uri.EscapeDataString(continueToken));
                var length = await FetchAsync(url);
                (var count, continueToken) = Skim(_buffer.AsSpan(0, length));
                items += count;
            }
            while (continueToken is not null);
        }

        return items;
    }

    public void Dispose() => _http.Dispose();

    private async Task<int> FetchAsync(string url)
    {
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        await using var stream = await response.Content.ReadAsStreamAsync();
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(length));
            if (read == 0)
            {
                return length;
            }

            length += read;
        }
    }

    private static (long Items, string? Continue) Skim(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        long items = 0;
        string? continueToken = null;
        var inItems = false;
        var inMetadata = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                    inItems = reader.ValueTextEquals("items"u8);
                    inMetadata = reader.ValueTextEquals("metadata"u8);
                    break;
                case JsonTokenType.PropertyName when inMetadata && reader.CurrentDepth == 2 && reader.ValueTextEquals("continue"u8):
                    reader.Read();
                    continueToken = reader.GetString();
                    break;
                case JsonTokenType.StartObject when inItems && reader.CurrentDepth == 2:
                    items++;
                    break;
            }
        }

        return (items, string.IsNullOrEmpty(continueToken) ? null : continueToken);
    }
}
