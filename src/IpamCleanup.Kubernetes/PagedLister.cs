using System.Text.Json;
using IpamCleanup.Core;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// Paged LIST (<c>limit</c> + <c>continue</c>, quorum reads: never <c>resourceVersion=0</c>) as a pipeline: while
/// page N is consumed, up to <c>parallelism</c> later pages are parsed on pool threads and the next one is on the
/// wire. Pages are consumed strictly in order, and at most <c>parallelism</c> + 1 are held. A 410 Gone (expired continue token) restarts the list from
/// the beginning, a bounded number of times; the <see cref="ItemDeduplicator"/> keeps the consumer free of duplicates.
/// </summary>
internal sealed class PagedLister
{
    private readonly ApiTransport _transport;

    public PagedLister(ApiTransport transport)
    {
        _transport = transport;
    }

    /// <param name="parse">Runs on a pool thread, concurrently with the consumer; its result is disposed after consumption.</param>
    /// <param name="consume">Consumes one page in order and returns how many items it delivered.</param>
    /// <param name="notFoundIsEmpty">Treat 404 on the first page (resource type not served) as an empty list.</param>
    /// <param name="parallelism">How many pages may be parsed at once ahead of the consumer.</param>
    public async Task<long> ListAsync<TParsed>(KubeResource resource, Func<ListPage, TParsed> parse, Func<ListPage, TParsed, long> consume, bool notFoundIsEmpty, int parallelism, CancellationToken cancellationToken)
        where TParsed : IDisposable?
    {
        var seen = new ItemDeduplicator();
        var delivered = new long[1];
        for (var restart = 0; ; restart++)
        {
            if (!await ListOnceAsync(resource, parse, consume, seen, notFoundIsEmpty, Math.Max(1, parallelism), delivered, cancellationToken).ConfigureAwait(false))
            {
                return delivered[0];
            }

            if (restart >= _transport.Options.MaxListRestarts)
            {
                throw _transport.Errors.Create(KubeErrorIds.ApiServerError, "OperationTimeout",
                    $"Listing {resource.QualifiedName} from {_transport.Server} (context '{_transport.ContextName}') did not finish: its continue token expired {restart + 1} times.",
                    "The API server expires continue tokens after a few minutes (etcd compaction). Run again when the cluster is less busy, or from closer to the API server.",
                    resource.QualifiedName);
            }

            _transport.Write($"The continue token of the {resource.QualifiedName} list expired (410 Gone); listing again from the start ({restart + 1}/{_transport.Options.MaxListRestarts}).");
        }
    }

    /// <returns>True when the list has to start over (a continue token expired).</returns>
    private async Task<bool> ListOnceAsync<TParsed>(KubeResource resource, Func<ListPage, TParsed> parse, Func<ListPage, TParsed, long> consume, ItemDeduplicator seen, bool notFoundIsEmpty, int parallelism, long[] delivered, CancellationToken cancellationToken)
        where TParsed : IDisposable?
    {
        using var pipelineCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var request = PageRequest(resource, null);
        Task<ApiResponse>? fetching = _transport.SendAsync(request, pipelineCts.Token);
        var parsing = new Queue<Task<ParsedPage<TParsed>>>();
        var firstPage = true;
        try
        {
            while (fetching is not null || parsing.Count > 0)
            {
                if (fetching is null || parsing.Count >= parallelism || (parsing.Count > 0 && parsing.Peek().IsCompleted))
                {
                    await ConsumeAsync(resource, parsing.Dequeue(), consume, delivered).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    continue;
                }

                var response = await fetching.ConfigureAwait(false);
                fetching = null;
                ListEnvelope envelope;
                try
                {
                    if (!response.IsSuccess)
                    {
                        if (response.StatusCode == 410 && !firstPage)
                        {
                            return true;
                        }

                        if (response.StatusCode == 404 && firstPage && notFoundIsEmpty)
                        {
                            return false;
                        }

                        throw _transport.ToException(request, response);
                    }

                    envelope = ReadEnvelope(resource, response);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }

                if (envelope.Continue is { } token)
                {
                    request = PageRequest(resource, token);
                    fetching = _transport.SendAsync(request, pipelineCts.Token);
                }

                var page = new ListPage(response.Body.Memory, envelope, seen);
                parsing.Enqueue(Task.Run(() => new ParsedPage<TParsed>(response, page, Parse(resource, parse, page)), CancellationToken.None));
                firstPage = false;
            }

            return false;
        }
        finally
        {
            await pipelineCts.CancelAsync().ConfigureAwait(false);
            await DrainAsync(fetching, parsing).ConfigureAwait(false);
        }
    }

    private async Task ConsumeAsync<TParsed>(KubeResource resource, Task<ParsedPage<TParsed>> parsing, Func<ListPage, TParsed, long> consume, long[] delivered)
        where TParsed : IDisposable?
    {
        var parsed = await parsing.ConfigureAwait(false);
        using (parsed)
        {
            try
            {
                delivered[0] += consume(parsed.Page, parsed.Value);
            }
            catch (JsonException e)
            {
                throw Malformed(resource, e);
            }
        }
    }

    /// <summary>Releases the buffers of pages nobody will consume (after an error, a restart or cancellation).</summary>
    private static async Task DrainAsync<TParsed>(Task<ApiResponse>? fetching, Queue<Task<ParsedPage<TParsed>>> parsing)
        where TParsed : IDisposable?
    {
        if (fetching is not null)
        {
            try
            {
                (await fetching.ConfigureAwait(false)).Dispose();
            }
            catch (Exception e) when (e is OperationCanceledException or IpamCleanupException)
            {
                // The prefetch of a page nobody will read; its failure does not matter.
            }
        }

        while (parsing.Count > 0)
        {
            try
            {
                (await parsing.Dequeue().ConfigureAwait(false)).Dispose();
            }
            catch (Exception e) when (e is IpamCleanupException or OperationCanceledException or InvalidOperationException)
            {
                // A page nobody will consume; the error that stopped the list is the one that surfaces.
            }
        }
    }

    private TParsed Parse<TParsed>(KubeResource resource, Func<ListPage, TParsed> parse, ListPage page)
    {
        try
        {
            return parse(page);
        }
        catch (JsonException e)
        {
            throw Malformed(resource, e);
        }
        catch (InvalidOperationException e) when (e is not ObjectDisposedException)
        {
            // A JsonElement read as the wrong type: valid JSON, but not the object shape the parser expects.
            throw Malformed(resource, new JsonException(e.Message, e));
        }
    }

    private ListEnvelope ReadEnvelope(KubeResource resource, ApiResponse response)
    {
        try
        {
            return ListEnvelope.Read(response.Body.Span);
        }
        catch (JsonException e)
        {
            throw Malformed(resource, e);
        }
    }

    private ApiRequest PageRequest(KubeResource resource, string? continueToken)
    {
        var query = "?limit=" + _transport.Options.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (continueToken is not null)
        {
            query += "&continue=" + Uri.EscapeDataString(continueToken);
        }

        return new ApiRequest(HttpMethod.Get, resource.CollectionPath() + query, "list", resource.QualifiedName);
    }

    private IpamCleanupException Malformed(KubeResource resource, JsonException e) =>
        _transport.Errors.Create(KubeErrorIds.ApiServerError, "InvalidResult",
            $"The API server {_transport.Server} returned a malformed {resource.QualifiedName} list: {e.Message}",
            "Check what sits between you and the API server (proxy); run again with -Verbose.", resource.QualifiedName, e);

    /// <summary>A page with its parse result; owns the response buffer the parse result may point into.</summary>
    private sealed class ParsedPage<TParsed>(ApiResponse response, ListPage page, TParsed value) : IDisposable
        where TParsed : IDisposable?
    {
        public ListPage Page => page;

        public TParsed Value => value;

        public void Dispose()
        {
            value?.Dispose();
            response.Dispose();
        }
    }
}
