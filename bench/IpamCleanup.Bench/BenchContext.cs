using IpamCleanup.Kubernetes;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Bench;

/// <summary>What every scenario gets: the running sandbox, a kubeconfig for it, the options, and the results so far.</summary>
internal sealed class BenchContext
{
    public BenchContext(BenchOptions options, SandboxServer server, string kubeconfigPath)
    {
        Options = options;
        Server = server;
        KubeconfigPath = kubeconfigPath;
    }

    public BenchOptions Options { get; }

    public SandboxServer Server { get; }

    public string KubeconfigPath { get; }

    public List<ResultRow> Rows { get; } = [];

    /// <summary>Named values scenarios share (e.g. the floor time, for ratios); set by the scenario that measured them.</summary>
    public Dictionary<string, TimeSpan> Times { get; } = new(StringComparer.Ordinal);

    public Task<CalicoClient> ConnectAsync() =>
        CalicoClient.ConnectAsync(new KubeConnectionOptions
        {
            KubeConfigPath = KubeconfigPath,
            PageSize = Options.PageSize,
            RequestTimeout = TimeSpan.FromMinutes(2),
            Log = Options.Verbose ? line => { if (!line.StartsWith("GET ", StringComparison.Ordinal)) { Console.Error.WriteLine("    " + line); } } : null,
        });

    public void Add(string measurement, string value, string target = "", string notes = "")
    {
        Rows.Add(new ResultRow(measurement, value, target, notes));
        Console.Error.WriteLine($"  {measurement}: {value}{(notes.Length == 0 ? "" : "  (" + notes + ")")}");
    }
}
