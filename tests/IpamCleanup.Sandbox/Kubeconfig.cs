using System.Text;

namespace IpamCleanup.Sandbox;

/// <summary>Writes a kubeconfig with one cluster, user and context for a sandbox.</summary>
internal static class Kubeconfig
{
    public static string Render(Uri server, string token, string contextName) =>
        new StringBuilder()
            .Append("apiVersion: v1\n")
            .Append("kind: Config\n")
            .Append("clusters:\n")
            .Append("- name: ").Append(Quote(contextName)).Append('\n')
            .Append("  cluster:\n")
            .Append("    server: ").Append(Quote(server.GetLeftPart(UriPartial.Authority))).Append('\n')
            .Append("users:\n")
            .Append("- name: ").Append(Quote(ApiErrors.SandboxUser)).Append('\n')
            .Append("  user:\n")
            .Append("    token: ").Append(Quote(token)).Append('\n')
            .Append("contexts:\n")
            .Append("- name: ").Append(Quote(contextName)).Append('\n')
            .Append("  context:\n")
            .Append("    cluster: ").Append(Quote(contextName)).Append('\n')
            .Append("    user: ").Append(Quote(ApiErrors.SandboxUser)).Append('\n')
            .Append("    namespace: default\n")
            .Append("current-context: ").Append(Quote(contextName)).Append('\n')
            .ToString();

    // YAML double-quoted scalars accept JSON string escapes, so any token or name is safe.
    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
