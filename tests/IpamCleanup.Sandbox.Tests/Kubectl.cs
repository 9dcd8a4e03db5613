using System.Diagnostics;

namespace IpamCleanup.Sandbox.Tests;

/// <summary>
/// Runs the real kubectl against a sandbox. A missing kubectl fails the test (never skips it): these
/// tests are the proof that the sandbox is faithful enough for real clients.
/// </summary>
internal sealed class Kubectl : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sandbox-kubectl-").FullName;
    private readonly string _kubeconfig;

    public Kubectl(SandboxServer server)
    {
        _kubeconfig = server.WriteKubeconfig(Path.Combine(_directory, "kubeconfig"));
    }

    public string WorkDirectory => _directory;

    public static string Executable
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("KUBECTL");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }

            var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "kubectl.exe" : "kubectl"))
                .FirstOrDefault(File.Exists);
            Assert.True(found is not null, "kubectl is not on PATH (set KUBECTL to its path); the kubectl tests need the real binary" + (Environment.GetEnvironmentVariable("CI") == "true" ? " and CI=true forbids skipping them." : "."));
            return found!;
        }
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var arg in new[] { "--kubeconfig", _kubeconfig, "--cache-dir", Path.Combine(_directory, "cache"), "--request-timeout", "20s" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        // kubectl must see only the sandbox, whatever the developer's environment points at.
        start.Environment.Remove("KUBECONFIG");
        start.Environment["HOME"] = _directory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    public async Task<string> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        return result.Output;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public sealed record Result(int ExitCode, string Output, string Error);
}
