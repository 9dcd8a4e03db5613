using System.Globalization;

namespace IpamCleanup.Sandbox;

/// <summary>Time texts in the forms Calico and Kubernetes write them. Times are Unix nanoseconds.</summary>
internal static class GoTime
{
    /// <summary>Go's <c>time.Now().UTC().String()</c>: <c>2025-01-01 10:00:00.123456789 +0000 UTC</c>, trailing zeros trimmed.</summary>
    public static string GoString(long unixNanos)
    {
        var time = DateTime.UnixEpoch.AddTicks(unixNanos / 100);
        var fraction = (unixNanos % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        var seconds = time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return fraction.Length == 0 ? seconds + " +0000 UTC" : seconds + "." + fraction + " +0000 UTC";
    }

    /// <summary>RFC 3339 to the second, as metav1.Time serializes. Hand-formatted: a 150,000-pod scenario writes two million of these.</summary>
    public static string Rfc3339(long unixNanos) =>
        string.Create(20, DateTime.UnixEpoch.AddTicks(unixNanos / 100), static (text, time) =>
        {
            Digits(text[..4], time.Year);
            text[4] = '-';
            Digits(text.Slice(5, 2), time.Month);
            text[7] = '-';
            Digits(text.Slice(8, 2), time.Day);
            text[10] = 'T';
            Digits(text.Slice(11, 2), time.Hour);
            text[13] = ':';
            Digits(text.Slice(14, 2), time.Minute);
            text[16] = ':';
            Digits(text.Slice(17, 2), time.Second);
            text[19] = 'Z';
        });

    private static void Digits(Span<char> text, int value)
    {
        for (var i = text.Length - 1; i >= 0; i--)
        {
            text[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    public static string NowRfc3339() => Rfc3339(ToUnixNanos(DateTimeOffset.UtcNow));

    public static long ToUnixNanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    public const long Second = 1_000_000_000L;
    public const long Minute = 60 * Second;
    public const long Hour = 60 * Minute;
    public const long Day = 24 * Hour;
}
