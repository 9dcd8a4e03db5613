namespace IpamCleanup.Sandbox;

/// <summary>One page of a LIST: the items, whether more keys follow, and how many (null when a filter makes it unknown).</summary>
internal sealed record ListPage(IReadOnlyList<StoredObject> Items, string? LastKey, bool HasMore, long? RemainingItemCount);
