using System.Diagnostics;
using System.Runtime.InteropServices;
using IpamCleanup.Bench;
using IpamCleanup.Sandbox;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message == "usage" ? BenchOptions.Usage : e.Message + Environment.NewLine + BenchOptions.Usage);
    return 2;
}

// Registration order is run order: the read, the analysis and the live Get-CalicoIpamLeak path share the generated
// cluster; the release scenario brings up its own sandboxes.
var scenarios = ReadScenarios.All().Concat(AnalysisScenarios.All()).Concat(ReleaseScenarios.All()).ToList();
var wanted = options.Scenario.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var selected = scenarios.Where(s => wanted.Contains("all") || wanted.Contains(s.Name) || s.Groups.Any(wanted.Contains)).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"No scenario matches '{options.Scenario}'. Known: all, {string.Join(", ", scenarios.SelectMany(s => s.Groups).Distinct())}, {string.Join(", ", scenarios.Select(s => s.Name))}.");
    return 2;
}

Console.Error.WriteLine($"Generating the sandbox cluster ({options.GeneratorSpec}) ...");
var setup = Stopwatch.StartNew();
await using var server = await SandboxServer.StartAsync(new SandboxOptions { Layout = ApiLayout.V1, GenerateSpec = options.GeneratorSpec });
var kubeconfig = server.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"ipamcleanup-bench-{Environment.ProcessId}.kubeconfig"));
Console.Error.WriteLine($"Sandbox ready at {server.BaseUri} in {setup.Elapsed.TotalSeconds:0.0} s.");
var context = new BenchContext(options, server, kubeconfig);
try
{
    foreach (var scenario in selected)
    {
        Console.Error.WriteLine($"[{scenario.Name}] {scenario.Description}");
        await scenario.RunAsync(context);
    }
}
finally
{
    File.Delete(kubeconfig);
}

var store = server.Store;
Console.WriteLine();
Console.WriteLine($"### IpamCleanup benchmark ({(options.Quick ? "quick" : "full")})");
Console.WriteLine();
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture}), " +
                  $"GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}{(System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.Interactive ? ", concurrent" : "")}.");
Console.WriteLine($"Cluster: sandbox in-process on loopback, layout crd.projectcalico.org/v1, generator `{options.GeneratorSpec}`: " +
                  $"{store.Count("v1", "pods"):N0} pods, {store.Count("v1", "nodes"):N0} nodes, {store.Count("crd.projectcalico.org/v1", "ipamblocks"):N0} blocks, " +
                  $"{store.Count("crd.projectcalico.org/v1", "ipamhandles"):N0} handles, {store.Count("crd.projectcalico.org/v1", "blockaffinities"):N0} affinities. " +
                  $"Page size {options.PageSize}; each time is the median of {options.Runs} measured run(s) after {options.Warmups} warm-up run(s); compared reads run interleaved.");
Console.WriteLine();
Console.WriteLine("| Measurement | Value | Target | Notes |");
Console.WriteLine("|---|---|---|---|");
foreach (var row in context.Rows)
{
    Console.WriteLine($"| {row.Measurement} | {row.Value} | {row.Target} | {row.Notes} |");
}

return 0;
