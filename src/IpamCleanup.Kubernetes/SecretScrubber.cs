using System.Text.RegularExpressions;
using k8s.KubeConfigModels;

namespace IpamCleanup.Kubernetes;

/// <summary>
/// Removes credential values of the kubeconfig from any text before it reaches an exception or a log line.
/// Defence in depth: messages are built without credentials in the first place; this catches what a library put there.
/// </summary>
internal sealed partial class SecretScrubber
{
    private const string Mask = "***";
    private const int MinimumSecretLength = 4;

    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);
    private string[] _ordered = [];

    public static SecretScrubber None { get; } = new();

    /// <summary>Collects values of credential-looking keys from raw kubeconfig text, so even unparseable files are covered.</summary>
    public void AddFromRawText(string text)
    {
        foreach (Match match in CredentialLine().Matches(text))
        {
            Add(match.Groups["value"].Value.Trim().Trim('"', '\''));
        }
    }

    public void AddFromConfig(K8SConfiguration config)
    {
        foreach (var user in config.Users ?? [])
        {
            var credentials = user?.UserCredentials;
            if (credentials is null)
            {
                continue;
            }

            Add(credentials.Token);
            Add(credentials.Password);
            Add(credentials.ClientKeyData);
            Add(credentials.ClientCertificateData);
            foreach (var value in credentials.AuthProvider?.Config?.Values ?? Enumerable.Empty<string>())
            {
                Add(value);
            }

            foreach (var variable in credentials.ExternalExecution?.EnvironmentVariables ?? [])
            {
                if (variable is not null && variable.TryGetValue("value", out var value))
                {
                    Add(value);
                }
            }

            foreach (var argument in credentials.ExternalExecution?.Arguments ?? [])
            {
                // Arguments such as "--token=abc" or a bare secret: mask the value part of each.
                var equals = argument?.IndexOf('=', StringComparison.Ordinal) ?? -1;
                Add(equals >= 0 ? argument![(equals + 1)..] : null);
            }
        }
    }

    public void Add(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret) || secret.Length < MinimumSecretLength)
        {
            return;
        }

        lock (_secrets)
        {
            if (_secrets.Add(secret))
            {
                // Longest first, so a secret that contains another is masked whole.
                _ordered = _secrets.OrderByDescending(s => s.Length).ToArray();
            }
        }
    }

    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        foreach (var secret in _ordered)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return BearerValue().Replace(text, "Bearer " + Mask);
    }

    [GeneratedRegex(@"^\s*-?\s*""?(token|password|client-key-data|client-certificate-data|id-token|refresh-token|access-token|client-secret|value)""?\s*:\s*(?<value>\S.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex CredentialLine();

    [GeneratedRegex(@"Bearer\s+\S+", RegexOptions.IgnoreCase)]
    private static partial Regex BearerValue();
}
