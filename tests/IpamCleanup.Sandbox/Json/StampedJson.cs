namespace IpamCleanup.Sandbox;

/// <summary>An object's bytes after the server stamped its metadata, with where its labels now are.</summary>
internal readonly record struct StampedJson(byte[] Json, ValueRange Labels);
