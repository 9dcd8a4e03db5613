namespace IpamCleanup.Core.Naming;

/// <summary>RFC 4648 base32 with the standard alphabet (Go's <c>base32.StdEncoding</c>).</summary>
internal static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string EncodeNoPadding(ReadOnlySpan<byte> data)
    {
        var chars = new char[((data.Length * 8) + 4) / 5];
        var buffer = 0;
        var bitsInBuffer = 0;
        var next = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bitsInBuffer += 8;
            while (bitsInBuffer >= 5)
            {
                bitsInBuffer -= 5;
                chars[next++] = Alphabet[(buffer >> bitsInBuffer) & 0x1F];
            }
        }

        if (bitsInBuffer > 0)
        {
            chars[next++] = Alphabet[(buffer << (5 - bitsInBuffer)) & 0x1F];
        }

        return new string(chars, 0, next);
    }
}
