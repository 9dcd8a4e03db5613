namespace IpamCleanup.Sandbox;

/// <summary>What the resource handler needs from an HTTP request, kept free of ASP.NET types.</summary>
internal sealed record ApiRequest(string Verb, ResourcePath Path, IReadOnlyDictionary<string, string> Query, byte[] Body, string? ContentType, bool AsTable = false)
{
    public string? QueryValue(string key) => Query.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    public bool DryRun => QueryValue("dryRun") == "All";
}
