namespace IpamCleanup.Bench;

/// <summary>One line of the result table.</summary>
internal sealed record ResultRow(string Measurement, string Value, string Target = "", string Notes = "");
