namespace IpamCleanup.Kubernetes;

/// <summary>How to reach the cluster and how hard to try. Every property has a usable default.</summary>
public sealed class KubeConnectionOptions
{
    /// <summary>
    /// A kubeconfig file, or several separated by <see cref="Path.PathSeparator"/> (merged as kubectl merges
    /// <c>$KUBECONFIG</c>; each must exist). Default: <c>$KUBECONFIG</c>, else <c>~/.kube/config</c>, else in-cluster.
    /// </summary>
    public string? KubeConfigPath { get; set; }

    /// <summary>The kubeconfig context to use. Default: the kubeconfig's current-context.</summary>
    public string? Context { get; set; }

    /// <summary>"crd.projectcalico.org" or "projectcalico.org" to force the Calico API group; null detects it (calico-ipam.md §1.1).</summary>
    public string? ApiGroup { get; set; }

    /// <summary>Time allowed for one HTTP attempt, including reading the whole response body.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt for 429, 5xx, timeouts and dropped connections.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>First backoff step; each retry doubles it (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one backoff step and of an honoured <c>Retry-After</c>.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>limit</c> of each paged LIST call (kubectl's default chunk size).</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>How many times one LIST may start over after its continue token expired (410 Gone).</summary>
    public int MaxListRestarts { get; set; } = 3;

    /// <summary>Verbose messages (requests with status and timing, layout, counts). Never carries headers or credentials.</summary>
    public Action<string>? Log { get; set; }
}
