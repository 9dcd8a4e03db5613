using System.Text;

namespace IpamCleanup.Kubernetes.Tests;

/// <summary>Hand-written kubeconfig files for the connection edge cases.</summary>
internal static class Kubeconfigs
{
    public sealed record ContextSpec(string Name, string Server, string? User = null, string? Token = null, string? ExecCommand = null, string? ExecEnvSecret = null, string? Cluster = null);

    public static string Write(string directory, string fileName, string? currentContext, params ContextSpec[] contexts)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("apiVersion: v1").AppendLine("kind: Config");
        if (currentContext is not null)
        {
            yaml.AppendLine($"current-context: {currentContext}");
        }

        yaml.AppendLine("clusters:");
        foreach (var c in contexts)
        {
            yaml.AppendLine($"- name: {c.Cluster ?? c.Name + "-cluster"}").AppendLine("  cluster:");
            yaml.AppendLine(c.Server.Length == 0 ? "    insecure-skip-tls-verify: true" : $"    server: {c.Server}");
        }

        yaml.AppendLine("users:");
        foreach (var c in contexts)
        {
            yaml.AppendLine($"- name: {UserOf(c)}").AppendLine("  user:");
            if (c.ExecCommand is not null)
            {
                yaml.AppendLine("    exec:")
                    .AppendLine("      apiVersion: client.authentication.k8s.io/v1beta1")
                    .AppendLine($"      command: {c.ExecCommand}")
                    .AppendLine("      installHint: install the test credential plugin")
                    .AppendLine("      env:")
                    .AppendLine("      - name: PLUGIN_SECRET")
                    .AppendLine($"        value: {c.ExecEnvSecret ?? TestSecrets.ExecSecret}");
            }
            else
            {
                yaml.AppendLine($"    token: {c.Token ?? TestSecrets.WrongToken}");
            }
        }

        yaml.AppendLine("contexts:");
        foreach (var c in contexts)
        {
            yaml.AppendLine($"- name: {c.Name}").AppendLine("  context:")
                .AppendLine($"    cluster: {c.Cluster ?? c.Name + "-cluster"}")
                .AppendLine($"    user: {UserOf(c)}");
        }

        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, yaml.ToString());
        return path;
    }

    private static string UserOf(ContextSpec c) => c.User ?? c.Name + "-user";

    /// <summary>A loopback URL nobody listens on.</summary>
    public static string ClosedPortUrl()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
