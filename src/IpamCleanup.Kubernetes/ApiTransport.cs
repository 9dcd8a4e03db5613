using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Authentication;
using IpamCleanup.Core;
using k8s.Authentication;
using k8s.Exceptions;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// Sends raw HTTP through KubernetesClient's configured <see cref="HttpClient"/> (TLS, client certificates) after
/// its credentials stamp the request (tokens, exec plugins), with a per-attempt timeout and bounded retries.
/// Retried: 429 (honouring Retry-After), 500/502/503/504, timeouts and dropped connections. Writes are retried too:
/// every write this module sends is guarded (resourceVersion, delete preconditions, create-by-name), and a
/// response after an unknown-outcome attempt is flagged with <see cref="ApiResponse.EarlierAttemptMayHaveApplied"/>.
/// </summary>
internal sealed class ApiTransport
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    private readonly HttpClient _http;
    private readonly ServiceClientCredentials? _credentials;
    private readonly string _baseUrl;
    private readonly string? _hostHeader;
    private readonly KubeConnectionOptions _options;
    private readonly KubeErrorFactory _errors;
    private long _requestCount;

    public ApiTransport(HttpClient http, ServiceClientCredentials? credentials, Uri baseUri, string? hostHeader, string contextName, KubeConnectionOptions options, KubeErrorFactory errors)
    {
        _http = http;
        _credentials = credentials;
        _baseUrl = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _hostHeader = string.IsNullOrWhiteSpace(hostHeader) ? null : hostHeader;
        ContextName = contextName;
        // Printed as kubectl prints it: no user information, no trailing slash.
        Server = KubeConfigLoader.RedactUserInfo(baseUri.ToString()).TrimEnd('/');
        _options = options;
        _errors = errors;
        Log = options.Log;
    }

    public string ContextName { get; }

    public string Server { get; }

    public KubeErrorFactory Errors => _errors;

    public long RequestCount => Interlocked.Read(ref _requestCount);

    public Action<string>? Log { get; set; }

    public KubeConnectionOptions Options => _options;

    public void Write(string message)
    {
        var log = Log;
        if (log is not null)
        {
            log(_errors.Scrubber.Scrub(message));
        }
    }

    /// <summary>Sends with retries. Returns any final HTTP status; throws only for transport failures and cancellation.</summary>
    public async Task<ApiResponse> SendAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var mayHaveApplied = false;
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var last = attempt >= _options.MaxRetries;
            var stopwatch = Stopwatch.StartNew();
            Exception? failure;
            bool failureMayHaveApplied;
            using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptCts.CancelAfter(_options.RequestTimeout);
                try
                {
                    var response = await SendOnceAsync(request, attemptCts.Token).ConfigureAwait(false);
                    var (code, body, retryAfter) = response;
                    Write($"{request.Method} {LoggablePath(request.PathAndQuery)} {code} in {stopwatch.ElapsedMilliseconds} ms{AttemptNote(attempt)}");
                    if (!IsRetryable(code) || last)
                    {
                        return new ApiResponse(code, body, mayHaveApplied);
                    }

                    var status = KubeStatus.Parse(code, body.Span);
                    body.Dispose();
                    mayHaveApplied |= request.IsWrite && code >= 500;
                    var delay = retryAfter is { } after ? Min(after, _options.MaxRetryDelay) : Backoff(attempt);
                    Write($"{request.Describe()}: {status}; retrying in {delay.TotalMilliseconds:0} ms");
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
                catch (OperationCanceledException e)
                {
                    failure = new TimeoutException($"no complete response within {_options.RequestTimeout.TotalSeconds:0.###} s", e);
                    failureMayHaveApplied = true;
                }
                catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
                {
                    throw _errors.Create(KubeErrorIds.ApiServerUnreachable, "SecurityError",
                        $"The TLS connection to the API server {Server} (context '{ContextName}') failed: {e.InnerException.Message}",
                        "Check the cluster's certificate-authority data in the kubeconfig; the server's certificate could not be verified with it.",
                        Server, e);
                }
                catch (HttpRequestException e)
                {
                    failure = e;
                    failureMayHaveApplied = e.HttpRequestError != HttpRequestError.ConnectionError && e.HttpRequestError != HttpRequestError.NameResolutionError;
                }
                catch (IOException e)
                {
                    failure = e;
                    failureMayHaveApplied = true;
                }
                catch (KubeConfigException e)
                {
                    // A credential plugin or token file failed while stamping the request.
                    throw _errors.Create(KubeErrorIds.ApiServerUnauthorized, "AuthenticationError",
                        $"No credentials could be obtained for context '{ContextName}': {e.Message}",
                        "Log in again with the tool that issues this context's credentials, or use another context.", ContextName);
                }
            }

            mayHaveApplied |= request.IsWrite && failureMayHaveApplied;
            Write($"{request.Method} {LoggablePath(request.PathAndQuery)} failed after {stopwatch.ElapsedMilliseconds} ms{AttemptNote(attempt)}: {failure.Message}");
            if (last)
            {
                throw _errors.Create(KubeErrorIds.ApiServerUnreachable, "ConnectionError",
                    $"The API server {Server} (context '{ContextName}') could not be reached for {request.Describe()} after {attempt + 1} attempt(s): {failure.Message}",
                    "Check that the cluster is running and reachable from here (VPN, proxy, firewall), and that the kubeconfig points at the right server.",
                    Server, failure);
            }

            await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends, ensures success or maps the status to the module's error, and returns the body.</summary>
    public async Task<ApiResponse> SendExpectingSuccessAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return response;
        }

        using (response)
        {
            throw ToException(request, response);
        }
    }

    /// <summary>The module's error for an unexpected status: 401, 403 naming verb and resource, or the Status message.</summary>
    public IpamCleanupException ToException(ApiRequest request, ApiResponse response)
    {
        var status = response.Status;
        return response.StatusCode switch
        {
            401 => _errors.Create(KubeErrorIds.ApiServerUnauthorized, "AuthenticationError",
                $"The API server {Server} rejected the credentials of context '{ContextName}' (401 Unauthorized) for {request.Describe()}.",
                "The token or certificate is expired or wrong: log in again with the tool that issues this context's credentials, or use another context.",
                ContextName),
            403 => _errors.Create(KubeErrorIds.ApiServerForbidden, "PermissionDenied",
                $"Forbidden: context '{ContextName}' may not {request.Verb} {request.Resource}" +
                (request.Target is null ? "" : $" ('{request.Target}')") + $". The API server said: {status.Message}",
                $"Grant '{request.Verb}' on {request.Resource} to this user or service account (docs list the RBAC rules IpamCleanup needs), or use a context that has it.",
                $"{request.Verb} {request.Resource}"),
            _ => _errors.Create(KubeErrorIds.ApiServerError, CategoryOf(response.StatusCode),
                $"The API server {Server} (context '{ContextName}') failed {request.Describe()}: {status}",
                "Check the API server's health and the object in question; run again with -Verbose to see the requests.",
                request.Target ?? request.Resource),
        };
    }

    private async Task<(int Code, PooledBuffer Body, TimeSpan? RetryAfter)> SendOnceAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, _baseUrl + request.PathAndQuery);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = JsonMediaType;
        }

        if (_credentials is not null)
        {
            await _credentials.ProcessHttpRequestAsync(message, cancellationToken).ConfigureAwait(false);
        }

        if (_hostHeader is not null)
        {
            message.Headers.Host = _hostHeader;
        }

        Interlocked.Increment(ref _requestCount);
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var body = await PooledBuffer.ReadAsync(stream, response.Content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
            return ((int)response.StatusCode, body, RetryAfterOf(response));
        }
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static bool IsRetryable(int code) => code is 429 or 500 or 502 or 503 or 504;

    /// <summary>Exponential backoff with jitter: half the step fixed, half random, so concurrent retries spread out.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var step = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20));
        var capped = Math.Min(step, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string AttemptNote(int attempt) => attempt == 0 ? "" : $" (attempt {attempt + 1})";

    private static string CategoryOf(int code) => code switch
    {
        400 or 422 => "InvalidData",
        404 => "ObjectNotFound",
        409 => "ResourceExists",
        410 => "InvalidOperation",
        429 => "LimitsExceeded",
        >= 500 => "ResourceUnavailable",
        _ => "InvalidResult",
    };

    /// <summary>The request line for the verbose log: continue tokens shortened (they are long, not secret).</summary>
    private static string LoggablePath(string pathAndQuery)
    {
        var index = pathAndQuery.IndexOf("continue=", StringComparison.Ordinal);
        if (index < 0)
        {
            return pathAndQuery;
        }

        var end = pathAndQuery.IndexOf('&', index);
        return pathAndQuery[..(index + 9)] + "\u2026" + (end < 0 ? "" : pathAndQuery[end..]);
    }
}
