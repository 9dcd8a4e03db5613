namespace IpamCleanup.Kubernetes;

/// <summary>
/// One REST call. <see cref="Verb"/> and <see cref="Resource"/> name it the way RBAC does ("list",
/// "ipamblocks.crd.projectcalico.org") for error messages.
/// </summary>
internal sealed record ApiRequest(HttpMethod Method, string PathAndQuery, string Verb, string Resource, byte[]? Body = null, string? Target = null)
{
    public bool IsWrite => Method != HttpMethod.Get && Method != HttpMethod.Head;

    public string Describe() => Target is null ? $"{Verb} {Resource}" : $"{Verb} {Resource} '{Target}'";
}
