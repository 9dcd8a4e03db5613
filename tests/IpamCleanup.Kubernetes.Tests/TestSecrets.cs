namespace IpamCleanup.Kubernetes.Tests;

/// <summary>Credential strings the tests plant in kubeconfigs and then look for in every error text and log line.</summary>
internal static class TestSecrets
{
    public const string SandboxToken = "sandbox-token-3b1f9c2e7d";

    /// <summary>A token the sandbox does not accept (401), distinctive enough to be found anywhere it leaks.</summary>
    public const string WrongToken = "s3cr3t-T0KEN-never-print-8d1c4a";

    public const string ExecSecret = "exec-env-s3cret-value-5e2b";

    public const string Password = "hunter2-p4ssword-9f";

    /// <summary>Every text of an exception, its inner exceptions and its string form.</summary>
    public static IEnumerable<string> TextsOf(Exception exception)
    {
        yield return exception.ToString();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e.Message;
            if (e is Core.IpamCleanupException ipam)
            {
                yield return ipam.RecommendedAction;
                yield return ipam.Target ?? "";
            }

            foreach (System.Collections.DictionaryEntry entry in e.Data)
            {
                yield return $"{entry.Key}={entry.Value}";
            }
        }
    }

    public static void AssertNoSecret(Exception exception, params string[] secrets)
    {
        foreach (var text in TextsOf(exception))
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }
}
