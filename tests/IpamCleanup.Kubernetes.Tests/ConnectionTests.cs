using IpamCleanup.Core;
using IpamCleanup.Sandbox;

namespace IpamCleanup.Kubernetes.Tests;

public sealed class ConnectionTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public async Task Missing_kubeconfig_file_is_KubeConfigNotFound()
    {
        var directory = TestCluster.NewScratchDirectory();
        var options = new KubeConnectionOptions { KubeConfigPath = Path.Combine(directory, "nope") };

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => CalicoClient.ConnectAsync(options, NoEnvironment, default));

        Assert.Equal(KubeErrorIds.KubeConfigNotFound, error.ErrorId);
        Assert.Equal("ObjectNotFound", error.Category);
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_kubeconfig_anywhere_and_not_in_a_pod_is_KubeConfigNotFound_not_localhost()
    {
        var home = TestCluster.NewScratchDirectory();
        var environment = Environment(("HOME", home));

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => CalicoClient.ConnectAsync(new KubeConnectionOptions(), environment, default));

        Assert.Equal(KubeErrorIds.KubeConfigNotFound, error.ErrorId);
        Assert.Contains(Path.Combine(home, ".kube", "config"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KUBECONFIG_naming_only_missing_files_is_KubeConfigNotFound()
    {
        var directory = TestCluster.NewScratchDirectory();
        var environment = Environment(("KUBECONFIG", Path.Combine(directory, "a") + Path.PathSeparator + Path.Combine(directory, "b")));

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => CalicoClient.ConnectAsync(new KubeConnectionOptions(), environment, default));

        Assert.Equal(KubeErrorIds.KubeConfigNotFound, error.ErrorId);
    }

    [Fact]
    public async Task Invalid_yaml_is_KubeConfigInvalid()
    {
        var directory = TestCluster.NewScratchDirectory();
        var path = Path.Combine(directory, "config");
        await File.WriteAllTextAsync(path, "apiVersion: v1\nclusters: [ {name: a, cluster: {server: http://x\nusers:\n  - token: " + TestSecrets.WrongToken + "\n   : : :\n");

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path }, NoEnvironment, default));

        Assert.Equal(KubeErrorIds.KubeConfigInvalid, error.ErrorId);
        Assert.Equal("InvalidData", error.Category);
        TestSecrets.AssertNoSecret(error, TestSecrets.WrongToken);
    }

    [Fact]
    public async Task Kubeconfig_without_clusters_is_KubeConfigInvalid()
    {
        var directory = TestCluster.NewScratchDirectory();
        var path = Path.Combine(directory, "config");
        await File.WriteAllTextAsync(path, "apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: a\n  context:\n    cluster: a\n    user: a\nusers:\n- name: a\n  user:\n    token: " + TestSecrets.WrongToken + "\n");

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path }, NoEnvironment, default));

        Assert.Equal(KubeErrorIds.KubeConfigInvalid, error.ErrorId);
        TestSecrets.AssertNoSecret(error, TestSecrets.WrongToken);
    }

    [Fact]
    public async Task Context_without_server_is_KubeConfigInvalid_rather_than_localhost_8080()
    {
        var directory = TestCluster.NewScratchDirectory();
        var path = Kubeconfigs.Write(directory, "config", "a", new Kubeconfigs.ContextSpec("a", Server: ""));

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path }, NoEnvironment, default));

        Assert.Equal(KubeErrorIds.KubeConfigInvalid, error.ErrorId);
        Assert.Contains("server", error.Message, StringComparison.OrdinalIgnoreCase);
        TestSecrets.AssertNoSecret(error, TestSecrets.WrongToken);
    }

    [Fact]
    public async Task Unknown_context_is_KubeContextNotFound_listing_the_contexts()
    {
        var directory = TestCluster.NewScratchDirectory();
        var path = Kubeconfigs.Write(directory, "config", "prod-eu",
            new Kubeconfigs.ContextSpec("prod-eu", "https://prod.example:6443"),
            new Kubeconfigs.ContextSpec("dev-us", "https://dev.example:6443"));

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() =>
            CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path, Context = "staging" }, NoEnvironment, default));

        Assert.Equal(KubeErrorIds.KubeContextNotFound, error.ErrorId);
        Assert.Equal("ObjectNotFound", error.Category);
        Assert.Contains("staging", error.Message, StringComparison.Ordinal);
        Assert.Contains("prod-eu", error.Message, StringComparison.Ordinal);
        Assert.Contains("dev-us", error.Message, StringComparison.Ordinal);
        TestSecrets.AssertNoSecret(error, TestSecrets.WrongToken);
    }

    [Fact]
    public async Task KUBECONFIG_files_merge_as_kubectl_does_first_file_wins_and_context_of_file_two_works()
    {
        await using var cluster = await TestCluster.StartAsync();
        var directory = cluster.Directory;
        var dead = Kubeconfigs.ClosedPortUrl();

        // File 1 chooses the current context, which only file 2 defines; both define "shared", file 1's wins.
        var first = Kubeconfigs.Write(directory, "one", "from-two",
            new Kubeconfigs.ContextSpec("shared", cluster.Server.BaseUri.ToString().TrimEnd('/'), Token: TestSecrets.SandboxToken, Cluster: "shared-cluster", User: "shared-user"));
        var second = Kubeconfigs.Write(directory, "two", "shared",
            new Kubeconfigs.ContextSpec("from-two", cluster.Server.BaseUri.ToString().TrimEnd('/'), Token: TestSecrets.SandboxToken),
            new Kubeconfigs.ContextSpec("shared", dead, Token: TestSecrets.WrongToken, Cluster: "shared-cluster", User: "shared-user"));
        var environment = Environment(("KUBECONFIG", first + Path.PathSeparator + Path.Combine(directory, "missing") + Path.PathSeparator + second));

        using (var client = await CalicoClient.ConnectAsync(cluster.Options(o => o.KubeConfigPath = null), environment, default))
        {
            Assert.Equal("from-two", client.ContextName);
            Assert.NotNull(await client.GetClusterInformationAsync());
        }

        using (var shared = await CalicoClient.ConnectAsync(cluster.Options(o => { o.KubeConfigPath = null; o.Context = "shared"; }), environment, default))
        {
            Assert.Equal("shared", shared.ContextName);
            Assert.StartsWith(cluster.Server.BaseUri.ToString().TrimEnd('/'), shared.Server, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Default_kubeconfig_is_home_kube_config()
    {
        await using var cluster = await TestCluster.StartAsync();
        var home = cluster.Directory;
        Directory.CreateDirectory(Path.Combine(home, ".kube"));
        File.Copy(cluster.KubeconfigPath, Path.Combine(home, ".kube", "config"));

        using var client = await CalicoClient.ConnectAsync(cluster.Options(o => o.KubeConfigPath = null), Environment(("HOME", home)), default);

        Assert.Equal("sandbox", client.ContextName);
        Assert.Equal(CalicoApiLayout.Classic, client.ApiLayout);
    }

    [Fact]
    public async Task Static_token_is_sent_as_bearer_through_KubernetesClient_credentials()
    {
        using var stub = new StubApiServer(CalicoResources.ClassicGroup);
        var directory = TestCluster.NewScratchDirectory();
        var path = Kubeconfigs.Write(directory, "config", "stub", new Kubeconfigs.ContextSpec("stub", stub.Url, Token: "the-static-token-123"));

        using var client = await CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path }, NoEnvironment, default);

        Assert.Contains("Bearer the-static-token-123", stub.AuthorizationHeaders);
    }

    [Fact]
    public async Task Exec_credential_plugin_token_is_sent()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // The plugin is a shell script.
        }

        using var stub = new StubApiServer(CalicoResources.ClassicGroup);
        var directory = TestCluster.NewScratchDirectory();
        var plugin = Path.Combine(directory, "credential-plugin");
        await File.WriteAllTextAsync(plugin,
            "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"exec-issued-token-42\"}}'\n");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Kubeconfigs.Write(directory, "config", "stub", new Kubeconfigs.ContextSpec("stub", stub.Url, ExecCommand: plugin));

        using var client = await CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path }, NoEnvironment, default);

        Assert.Contains("Bearer exec-issued-token-42", stub.AuthorizationHeaders);
    }

    /// <summary>KubernetesClient runs the plugin while loading the config, so a missing binary is a configuration error.</summary>
    [Fact]
    public async Task Exec_plugin_whose_command_is_missing_is_KubeConfigInvalid()
    {
        var directory = TestCluster.NewScratchDirectory();
        var path = Kubeconfigs.Write(directory, "config", "a",
            new Kubeconfigs.ContextSpec("a", "https://cluster.example:6443", ExecCommand: "/nonexistent/kubelogin-missing"));

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path }, NoEnvironment, default));

        Assert.Equal(KubeErrorIds.KubeConfigInvalid, error.ErrorId);
        Assert.Contains("kubelogin-missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("install the test credential plugin", error.RecommendedAction, StringComparison.Ordinal);
        TestSecrets.AssertNoSecret(error, TestSecrets.ExecSecret);
    }

    [Fact]
    public async Task Closed_port_is_ApiServerUnreachable()
    {
        var directory = TestCluster.NewScratchDirectory();
        var path = Kubeconfigs.Write(directory, "config", "a", new Kubeconfigs.ContextSpec("a", Kubeconfigs.ClosedPortUrl()));
        var options = new KubeConnectionOptions { KubeConfigPath = path, MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(1) };

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => CalicoClient.ConnectAsync(options, NoEnvironment, default));

        Assert.Equal(KubeErrorIds.ApiServerUnreachable, error.ErrorId);
        Assert.Equal("ConnectionError", error.Category);
        Assert.Contains("2 attempt", error.Message, StringComparison.Ordinal);
        TestSecrets.AssertNoSecret(error, TestSecrets.WrongToken);
    }

    [Fact]
    public async Task Wrong_token_is_ApiServerUnauthorized()
    {
        await using var cluster = await TestCluster.StartAsync();
        var path = Kubeconfigs.Write(cluster.Directory, "wrong", "a",
            new Kubeconfigs.ContextSpec("a", cluster.Server.BaseUri.ToString().TrimEnd('/'), Token: TestSecrets.WrongToken));

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => CalicoClient.ConnectAsync(cluster.Options(o => o.KubeConfigPath = path)));

        Assert.Equal(KubeErrorIds.ApiServerUnauthorized, error.ErrorId);
        Assert.Equal("AuthenticationError", error.Category);
        TestSecrets.AssertNoSecret(error, TestSecrets.WrongToken);
        Assert.DoesNotContain(cluster.Log, line => line.Contains(TestSecrets.WrongToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cluster_without_Calico_groups_is_CalicoNotInstalled()
    {
        using var stub = new StubApiServer("apps", "batch", "networking.k8s.io");
        var directory = TestCluster.NewScratchDirectory();
        var path = Kubeconfigs.Write(directory, "config", "plain", new Kubeconfigs.ContextSpec("plain", stub.Url));

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => CalicoClient.ConnectAsync(new KubeConnectionOptions { KubeConfigPath = path }, NoEnvironment, default));

        Assert.Equal(KubeErrorIds.CalicoNotInstalled, error.ErrorId);
        Assert.Equal("ObjectNotFound", error.Category);
        Assert.Contains("plain", error.Message, StringComparison.Ordinal);
        TestSecrets.AssertNoSecret(error, TestSecrets.WrongToken);
    }

    [Fact]
    public async Task Forcing_an_api_group_that_is_not_served_is_CalicoNotInstalled()
    {
        await using var cluster = await TestCluster.StartAsync(ApiLayout.V1);

        var error = await Assert.ThrowsAsync<IpamCleanupException>(() => cluster.ConnectAsync(o => o.ApiGroup = "projectcalico.org"));

        Assert.Equal(KubeErrorIds.CalicoNotInstalled, error.ErrorId);
    }

    [Fact]
    public async Task Verbose_log_names_requests_with_status_and_timing_but_never_the_token()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = await cluster.ConnectAsync();
        await client.ReadSnapshotAsync();

        Assert.Contains(cluster.Log, line => line.StartsWith("GET /apis 200 in ", StringComparison.Ordinal));
        Assert.Contains(cluster.Log, line => line.StartsWith("GET /api/v1/pods?limit=500 200 in ", StringComparison.Ordinal));
        Assert.DoesNotContain(cluster.Log, line => line.Contains(TestSecrets.SandboxToken, StringComparison.Ordinal) || line.Contains("Authorization", StringComparison.OrdinalIgnoreCase));
        Assert.True(client.RequestCount >= 11, $"RequestCount was {client.RequestCount}");
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.TryGetValue(name, out var value) ? value : null;
    }
}
