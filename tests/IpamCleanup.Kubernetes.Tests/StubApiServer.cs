using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace IpamCleanup.Kubernetes.Tests;

/// <summary>
/// A minimal HTTP server on loopback answering <c>GET /apis</c> with a fixed group list (for a cluster without
/// Calico, which the sandbox cannot be) and recording the Authorization headers it receives.
/// </summary>
internal sealed class StubApiServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _apisBody;
    private readonly Task _loop;

    public StubApiServer(params string[] groups)
    {
        _apisBody = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" +
                    string.Join(",", groups.Select(g => $"{{\"name\":\"{g}\",\"versions\":[{{\"groupVersion\":\"{g}/v1\",\"version\":\"v1\"}}],\"preferredVersion\":{{\"groupVersion\":\"{g}/v1\",\"version\":\"v1\"}}}}")) +
                    "]}";
        for (var attempt = 0; ; attempt++)
        {
            var url = Kubeconfigs.ClosedPortUrl() + "/";
            try
            {
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add(url);
                _listener.Start();
                Url = url.TrimEnd('/');
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The port was taken between probing and listening; try another.
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; } = "";

    public ConcurrentQueue<string> AuthorizationHeaders { get; } = new();

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending GetContextAsync.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            AuthorizationHeaders.Enqueue(context.Request.Headers["Authorization"] ?? "");
            var found = context.Request.Url?.AbsolutePath == "/apis";
            var body = Encoding.UTF8.GetBytes(found ? _apisBody : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
            context.Response.StatusCode = found ? 200 : 404;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}
