using System.Diagnostics;
using System.Net;

namespace IpamCleanup.Sandbox.Tests;

public sealed class ProcessTests
{
    [Fact]
    public async Task The_standalone_sandbox_announces_itself_writes_a_kubeconfig_and_stops_when_stdin_closes()
    {
        var directory = Directory.CreateTempSubdirectory("sandbox-process-").FullName;
        try
        {
            var kubeconfig = Path.Combine(directory, "kubeconfig");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { typeof(SandboxServer).Assembly.Location, "--kubeconfig", kubeconfig, "--generate", "nodes=2,pods=3", "--token", "t-123", "--faults", "latencyMs=1" })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);

            Assert.Matches(@"^listening on http://127\.0\.0\.1:\d+$", line);
            var server = new Uri(line![13..]);
            var config = await File.ReadAllTextAsync(kubeconfig, timeout.Token);
            Assert.Contains("server: \"" + line[13..] + "\"", config, StringComparison.Ordinal);
            Assert.Contains("token: \"t-123\"", config, StringComparison.Ordinal);
            Assert.Contains("current-context: \"sandbox\"", config, StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = server };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "t-123");
            using var pods = await http.GetAsync(new Uri("/api/v1/pods", UriKind.Relative), timeout.Token);
            Assert.Equal(HttpStatusCode.OK, pods.StatusCode);
            Assert.Contains("\"latencyMs\":1", await http.GetStringAsync(new Uri("/sandbox/faults", UriKind.Relative), timeout.Token), StringComparison.Ordinal);

            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Bad_arguments_print_the_usage_and_exit_2()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(SandboxServer).Assembly.Location);
        start.ArgumentList.Add("--layout");
        start.ArgumentList.Add("v9");
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("usage:", error, StringComparison.Ordinal);
    }
}
