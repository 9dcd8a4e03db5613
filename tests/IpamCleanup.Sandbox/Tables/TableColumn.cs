namespace IpamCleanup.Sandbox;

/// <summary>One column of a server-side table; priority 1 columns appear only with <c>-o wide</c>.</summary>
internal sealed record TableColumn(string Name, string Type, int Priority = 0, string Format = "");
