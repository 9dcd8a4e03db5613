namespace IpamCleanup.Sandbox;

/// <summary>
/// A tiny deterministic generator (SplitMix64). Each planned object keeps one 64-bit seed and
/// derives its uid, container IDs and hashes from it when written, so plans stay small and output
/// is identical for the same spec.
/// </summary>
internal struct SplitMix64
{
    private const string HexDigits = "0123456789abcdef";
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public int Next(int maxExclusive) => (int)(Next() % (ulong)maxExclusive);

    public string Hex(int characters)
    {
        var chars = new char[characters];
        for (var i = 0; i < characters; i += 16)
        {
            var value = Next();
            for (var j = i; j < Math.Min(i + 16, characters); j++)
            {
                chars[j] = HexDigits[(int)(value & 0xF)];
                value >>= 4;
            }
        }

        return new string(chars);
    }

    /// <summary>A random (version 4) UUID in its usual lower-case text form.</summary>
    public string Uuid()
    {
        var hex = Hex(32).ToCharArray();
        hex[12] = '4';
        hex[16] = HexDigits[8 + (HexDigits.IndexOf(hex[16], StringComparison.Ordinal) & 3)];
        var text = new string(hex);
        return $"{text[..8]}-{text[8..12]}-{text[12..16]}-{text[16..20]}-{text[20..]}";
    }

    public string FromAlphabet(string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
