namespace IpamCleanup.Kubernetes;

/// <summary>One page of a LIST: the raw response body (valid only during the callback) and its envelope.</summary>
internal readonly record struct ListPage(ReadOnlyMemory<byte> Body, ListEnvelope Envelope, ItemDeduplicator Seen);
