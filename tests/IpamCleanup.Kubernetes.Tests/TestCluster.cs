using System.Collections.Concurrent;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Kubernetes.Tests;

/// <summary>A sandbox API server on loopback, a kubeconfig pointing at it, and a scratch directory; all removed on dispose.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(SandboxServer server, string directory)
    {
        Server = server;
        Directory = directory;
        KubeconfigPath = server.WriteKubeconfig(Path.Combine(directory, "kubeconfig"), "sandbox");
    }

    public SandboxServer Server { get; }

    public string Directory { get; }

    public string KubeconfigPath { get; }

    /// <summary>Every verbose line every client of this cluster logged.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Runs for each verbose line, after it was recorded (tests use it to act between two requests).</summary>
    public Action<string>? OnLog { get; set; }

    public static async Task<TestCluster> StartAsync(ApiLayout layout = ApiLayout.V1, string? generate = "nodes=3,pods=12,leakedPods=2,orphanHandles=2,emptyBlocks=1", Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { Layout = layout, GenerateSpec = generate, Token = TestSecrets.SandboxToken };
        configure?.Invoke(options);
        var server = await SandboxServer.StartAsync(options);
        return new TestCluster(server, NewScratchDirectory());
    }

    public static string NewScratchDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ipamcleanup-kube-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Options for this cluster with fast retries, logging into <see cref="Log"/>.</summary>
    public KubeConnectionOptions Options(Action<KubeConnectionOptions>? configure = null)
    {
        var options = new KubeConnectionOptions
        {
            KubeConfigPath = KubeconfigPath,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            RequestTimeout = TimeSpan.FromSeconds(20),
            Log = line =>
            {
                Log.Enqueue(line);
                OnLog?.Invoke(line);
            },
        };
        configure?.Invoke(options);
        return options;
    }

    public Task<CalicoClient> ConnectAsync(Action<KubeConnectionOptions>? configure = null) =>
        CalicoClient.ConnectAsync(Options(configure));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A scratch directory left behind in /tmp is harmless.
        }
    }
}
