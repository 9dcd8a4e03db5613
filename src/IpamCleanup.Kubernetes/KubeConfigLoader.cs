using System.Text;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// Finds and validates the kubeconfig (or in-cluster config) and hands it to KubernetesClient, which supplies every
/// credential mechanism (tokens, client certificates, exec plugins, auth providers). Unlike
/// <c>KubernetesClientConfiguration.BuildDefaultConfig</c> it never falls back to http://localhost:8080.
/// </summary>
internal static class KubeConfigLoader
{
    public const string InClusterContextName = "in-cluster";

    public static async Task<LoadedKubeConfig> LoadAsync(KubeConnectionOptions options, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var scrubber = new SecretScrubber();
        var errors = new KubeErrorFactory(scrubber);
        var files = ResolveFiles(options, environment, errors);
        if (files is null)
        {
            return LoadInCluster(options, environment, errors);
        }

        var configs = new List<K8SConfiguration>(files.Count);
        foreach (var file in files)
        {
            configs.Add(await ReadFileAsync(file, scrubber, errors, cancellationToken).ConfigureAwait(false));
        }

        var merged = Merge(configs);
        var source = string.Join(Path.PathSeparator, files);
        var contextName = SelectContext(merged, options.Context, source, errors);
        var clientConfig = Build(merged, contextName, source, errors);
        return new LoadedKubeConfig(clientConfig, contextName, source, errors);
    }

    /// <summary>The kubeconfig files to merge, in precedence order; null means "use the in-cluster config".</summary>
    private static IReadOnlyList<string>? ResolveFiles(KubeConnectionOptions options, Func<string, string?> environment, KubeErrorFactory errors)
    {
        if (!string.IsNullOrWhiteSpace(options.KubeConfigPath))
        {
            var paths = SplitPathList(options.KubeConfigPath, environment);
            foreach (var path in paths)
            {
                if (!File.Exists(path))
                {
                    throw errors.ConfigNotFound($"The kubeconfig file '{path}' does not exist.", path);
                }
            }

            return paths;
        }

        var variable = environment("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(variable))
        {
            var listed = SplitPathList(variable, environment);

            // As kubectl does, files named in KUBECONFIG that do not exist are skipped.
            var existing = listed.Where(File.Exists).ToList();
            if (existing.Count == 0)
            {
                throw errors.ConfigNotFound($"None of the kubeconfig files named in $KUBECONFIG exist: {string.Join(", ", listed)}.", variable);
            }

            return existing;
        }

        var home = environment("HOME") ?? environment("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var defaultPath = Path.Combine(home, ".kube", "config");
        if (File.Exists(defaultPath))
        {
            return [defaultPath];
        }

        if (!string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")) && string.IsNullOrEmpty(options.Context))
        {
            return null;
        }

        throw errors.ConfigNotFound(
            $"No kubeconfig found: -KubeConfig was not given, $KUBECONFIG is not set, '{defaultPath}' does not exist" +
            (string.IsNullOrEmpty(options.Context) ? " and this is not a pod with a service account." : "."),
            defaultPath);
    }

    private static LoadedKubeConfig LoadInCluster(KubeConnectionOptions options, Func<string, string?> environment, KubeErrorFactory errors)
    {
        if (!KubernetesClientConfiguration.IsInCluster())
        {
            throw errors.ConfigNotFound(
                "No kubeconfig found, and KUBERNETES_SERVICE_HOST is set but the service account token or CA certificate is missing under /var/run/secrets/kubernetes.io/serviceaccount.",
                environment("KUBERNETES_SERVICE_HOST"));
        }

        try
        {
            return new LoadedKubeConfig(KubernetesClientConfiguration.InClusterConfig(), InClusterContextName, InClusterContextName, errors);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw errors.ConfigInvalid($"The in-cluster configuration could not be loaded: {e.Message}", InClusterContextName);
        }
    }

    private static async Task<K8SConfiguration> ReadFileAsync(string path, SecretScrubber scrubber, KubeErrorFactory errors, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw errors.ConfigNotFound($"The kubeconfig file '{path}' could not be read: {e.Message}", path);
        }

        scrubber.AddFromRawText(text);
        K8SConfiguration? config;
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
            config = await KubernetesClientConfiguration.LoadKubeConfigAsync(stream).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // YamlDotNet reports malformed input with several exception types, and its own text can quote the
            // offending value, so only the position is reported.
            var position = e is YamlException yaml ? $" (line {yaml.Start.Line}, column {yaml.Start.Column})" : "";
            throw errors.ConfigInvalid($"The kubeconfig file '{path}' is not valid YAML or not a kubeconfig{position}.", path);
        }

        if (config is null)
        {
            throw errors.ConfigInvalid($"The kubeconfig file '{path}' is empty.", path);
        }

        scrubber.AddFromConfig(config);
        MakePathsAbsolute(config, Path.GetDirectoryName(path)!);
        return config;
    }

    /// <summary>Relative certificate and key paths are relative to the file that names them (kubectl's rule), whatever the merge order.</summary>
    private static void MakePathsAbsolute(K8SConfiguration config, string directory)
    {
        string? Absolute(string? p) => string.IsNullOrWhiteSpace(p) || Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(directory, p));

        foreach (var cluster in config.Clusters ?? [])
        {
            if (cluster?.ClusterEndpoint is { } endpoint)
            {
                endpoint.CertificateAuthority = Absolute(endpoint.CertificateAuthority);
            }
        }

        foreach (var user in config.Users ?? [])
        {
            if (user?.UserCredentials is { } credentials)
            {
                credentials.ClientCertificate = Absolute(credentials.ClientCertificate);
                credentials.ClientKey = Absolute(credentials.ClientKey);
            }
        }
    }

    /// <summary>kubectl's merge: the first file to set a value wins; clusters, users and contexts are maps keyed by name.</summary>
    private static K8SConfiguration Merge(IReadOnlyList<K8SConfiguration> configs)
    {
        var clusters = new Dictionary<string, Cluster>(StringComparer.Ordinal);
        var users = new Dictionary<string, User>(StringComparer.Ordinal);
        var contexts = new Dictionary<string, Context>(StringComparer.Ordinal);
        string? currentContext = null;
        foreach (var config in configs)
        {
            if (string.IsNullOrEmpty(currentContext) && !string.IsNullOrEmpty(config.CurrentContext))
            {
                currentContext = config.CurrentContext;
            }

            foreach (var cluster in config.Clusters ?? [])
            {
                if (cluster?.Name is { } name)
                {
                    clusters.TryAdd(name, cluster);
                }
            }

            foreach (var user in config.Users ?? [])
            {
                if (user?.Name is { } name)
                {
                    users.TryAdd(name, user);
                }
            }

            foreach (var context in config.Contexts ?? [])
            {
                if (context?.Name is { } name)
                {
                    contexts.TryAdd(name, context);
                }
            }
        }

        return new K8SConfiguration
        {
            ApiVersion = configs[0].ApiVersion,
            Kind = configs[0].Kind,
            CurrentContext = currentContext,
            Clusters = clusters.Values.ToList(),
            Users = users.Values.ToList(),
            Contexts = contexts.Values.ToList(),
        };
    }

    private static string SelectContext(K8SConfiguration config, string? requested, string source, KubeErrorFactory errors)
    {
        var contexts = config.Contexts.ToList();
        var names = contexts.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var listed = names.Count == 0 ? "(none)" : string.Join(", ", names);
        if (!config.Clusters.Any())
        {
            throw errors.ConfigInvalid($"The kubeconfig '{source}' defines no clusters.", source);
        }

        var name = string.IsNullOrEmpty(requested) ? config.CurrentContext : requested;
        if (string.IsNullOrEmpty(name))
        {
            throw errors.Create(KubeErrorIds.KubeContextNotFound, "ObjectNotFound",
                $"The kubeconfig '{source}' sets no current-context and no context was given. Contexts: {listed}.",
                "Pass -Context with one of the contexts listed, or run 'kubectl config use-context <name>'.", source);
        }

        var context = contexts.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
        if (context is null)
        {
            throw errors.Create(KubeErrorIds.KubeContextNotFound, "ObjectNotFound",
                $"The context '{name}' does not exist in the kubeconfig '{source}'. Contexts: {listed}.",
                "Pass -Context with one of the contexts listed ('kubectl config get-contexts' shows them).", name);
        }

        var clusterName = context.ContextDetails?.Cluster;
        if (string.IsNullOrEmpty(clusterName))
        {
            throw errors.ConfigInvalid($"The context '{name}' in '{source}' names no cluster.", name);
        }

        var cluster = config.Clusters.FirstOrDefault(c => string.Equals(c.Name, clusterName, StringComparison.Ordinal));
        if (cluster is null)
        {
            throw errors.ConfigInvalid($"The context '{name}' refers to the cluster '{clusterName}', which is not defined in '{source}'.", name);
        }

        var server = cluster.ClusterEndpoint?.Server;
        if (string.IsNullOrWhiteSpace(server))
        {
            throw errors.ConfigInvalid($"The cluster '{clusterName}' (context '{name}') has no server URL in '{source}'.", name);
        }

        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw errors.ConfigInvalid($"The server of cluster '{clusterName}' (context '{name}') is not an http(s) URL: '{RedactUserInfo(server)}'.", name);
        }

        var userName = context.ContextDetails!.User;
        if (!string.IsNullOrEmpty(userName) && !config.Users.Any(u => string.Equals(u.Name, userName, StringComparison.Ordinal)))
        {
            throw errors.ConfigInvalid($"The context '{name}' refers to the user '{userName}', which is not defined in '{source}'.", name);
        }

        return name;
    }

    private static KubernetesClientConfiguration Build(K8SConfiguration config, string contextName, string source, KubeErrorFactory errors)
    {
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(config, contextName);
        }
        catch (KubeConfigException e) when (e.Message.Contains("external exec", StringComparison.OrdinalIgnoreCase))
        {
            var exec = ExecOf(config, contextName);
            throw errors.ConfigInvalid(
                $"The credential plugin '{exec?.Command}' of context '{contextName}' could not be run: {e.Message}",
                contextName,
                "Install the credential plugin the kubeconfig names (make sure it is on PATH)" +
                (string.IsNullOrWhiteSpace(exec?.InstallHint) ? "" : $": {exec.InstallHint.Trim()}") + ", or use another context.");
        }
        catch (Exception e) when (e is KubeConfigException or FormatException or IOException or UnauthorizedAccessException or
                                      System.Security.Cryptography.CryptographicException or InvalidOperationException ||
                                  e.GetType() == typeof(Exception))
        {
            // KubernetesClient throws a bare Exception for the retired azure/gcp auth providers.
            throw errors.ConfigInvalid($"The context '{contextName}' in '{source}' could not be loaded: {e.Message}", contextName);
        }
    }

    private static ExternalExecution? ExecOf(K8SConfiguration config, string contextName)
    {
        var userName = config.Contexts.First(c => c.Name == contextName).ContextDetails?.User;
        return config.Users.FirstOrDefault(u => u.Name == userName)?.UserCredentials?.ExternalExecution;
    }

    private static List<string> SplitPathList(string list, Func<string, string?> environment) =>
        list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => Path.GetFullPath(ExpandHome(p.Trim('"'), environment)))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static string ExpandHome(string path, Func<string, string?> environment) =>
        path.StartsWith('~') && (path.Length == 1 || path[1] == '/' || path[1] == '\\')
            ? (environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)) + path[1..]
            : path;

    /// <summary>A server URL for display: any user:password@ part removed.</summary>
    public static string RedactUserInfo(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString()
            : url;
}
