using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IpamCleanup.Sandbox;

/// <summary>
/// A Kubernetes-API-compatible server on 127.0.0.1 holding Calico IPAM state, for tests, the demo and
/// the benchmark. Start it with <see cref="StartAsync"/>, point clients at <see cref="WriteKubeconfig"/>.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly object _cniGate = new();
    private WebApplication? _app;
    private volatile RbacPolicy? _rbac;
    private CniSimulator? _cni;

    private SandboxServer(SandboxStore store, SandboxOptions options)
    {
        Store = store;
        Token = options.Token;
        AllowAnonymous = options.AllowAnonymous;
        _rbac = options.Rbac;
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    public string Token { get; }

    /// <summary>See <see cref="SandboxOptions.AllowAnonymous"/>.</summary>
    public bool AllowAnonymous { get; }

    public SandboxStore Store { get; }

    /// <summary>Mutable at runtime, thread-safe.</summary>
    public FaultSettings Faults { get; } = new();

    /// <summary>null allows everything.</summary>
    public RbacPolicy? Rbac { get => _rbac; set => _rbac = value; }

    public WriteCounter Writes { get; } = new();

    /// <summary>What the generator built and injected, when started with a generator spec.</summary>
    /// <remarks>Only the truth is kept: the plan behind it is ~100 MB at 150,000 pods.</remarks>
    public ScenarioTruth? Truth { get; private set; }

    /// <summary>The simulated Calico CNI, once started.</summary>
    public CniSimulator? Cni
    {
        get
        {
            lock (_cniGate)
            {
                return _cni;
            }
        }
    }

    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = new SandboxStore(options.Layout);
        var server = new SandboxServer(store, options);
        if (options.GenerateSpec is { } spec)
        {
            var scenario = ScenarioGenerator.Generate(ScenarioSpec.Parse(spec) with { Layout = options.Layout });
            store.Seed(scenario.Items());
            server.Truth = scenario.Truth;
        }

        if (options.SeedFile is { } seedFile)
        {
            store.SeedFromList(await File.ReadAllBytesAsync(seedFile, cancellationToken).ConfigureAwait(false));
        }

        if (options.GenerateSpec is not null || options.SeedFile is not null)
        {
            // Seeding leaves the generator's and the parser's garbage behind; collect it once so that a benchmark
            // sharing this process measures its own allocations, not ours.
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect();
        }

        if (options.Faults is { } faults)
        {
            server.Faults.CopyFrom(faults);
        }

        await server.ListenAsync(options.Port, cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Writes a kubeconfig whose only context points at this server with its token; returns <paramref name="path"/>.</summary>
    public string WriteKubeconfig(string path, string contextName = "sandbox")
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Kubeconfig.Render(BaseUri, Token, contextName));
        return path;
    }

    /// <summary>Starts (or restarts with new options) the simulated CNI.</summary>
    public CniSimulator StartCni(CniSimulatorOptions options)
    {
        lock (_cniGate)
        {
            _cni?.Dispose();
            _cni = new CniSimulator(Store, options);
            _cni.Start();
            return _cni;
        }
    }

    public void StopCni()
    {
        lock (_cniGate)
        {
            _cni?.Stop();
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_cniGate)
        {
            _cni?.Dispose();
        }

        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ListenAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;

            // Seeding a 150,000-pod cluster through /sandbox/seed is a few hundred megabytes.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var handler = new ApiRequestHandler(this);
        ((IApplicationBuilder)app).Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
    }
}
