namespace IpamCleanup.Sandbox;

/// <summary>Where a JSON value sits inside a UTF-8 document: [Start, End). Start is -1 when the value is absent.</summary>
internal readonly record struct ValueRange(int Start, int End)
{
    public static readonly ValueRange None = new(-1, -1);

    public bool Exists => Start >= 0;

    public int Length => End - Start;

    public ReadOnlySpan<byte> Slice(byte[] json) => Exists ? json.AsSpan(Start, Length) : default;
}
