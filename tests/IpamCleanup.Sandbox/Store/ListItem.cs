namespace IpamCleanup.Sandbox;

/// <summary>One item of a list document; typed lists (PodList) let items omit apiVersion and kind.</summary>
internal readonly record struct ListItem(byte[] Json, string? DefaultApiVersion, string? DefaultKind);
