using System.Globalization;

namespace IpamCleanup.Core.Json;

/// <summary>
/// Times as Calico writes them: Go's <c>Time.String()</c> (the allocation <c>timestamp</c> attribute, e.g.
/// <c>2025-01-01 10:00:00.123456789 +0000 UTC</c>) and RFC 3339 (<c>metav1.Time</c>: creationTimestamp,
/// affinityClaimTime, releasedAt). Fractions beyond .NET's 100 ns resolution are truncated.
/// </summary>
public static class GoTimestamp
{
    /// <summary>The time in UTC, or null when the text is missing or is neither format (an "unknown age").</summary>
    public static DateTimeOffset? Parse(string? text) => TryParse(text, out var value) ? value : null;

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.AsSpan().Trim();
        var pos = 0;
        if (!Digits(s, ref pos, 4, out var year) || !Char(s, ref pos, '-') ||
            !Digits(s, ref pos, 2, out var month) || !Char(s, ref pos, '-') ||
            !Digits(s, ref pos, 2, out var day))
        {
            return false;
        }

        if (pos >= s.Length || s[pos] is not (' ' or 'T' or 't'))
        {
            return false;
        }

        pos++;
        if (!Digits(s, ref pos, 2, out var hour) || !Char(s, ref pos, ':') ||
            !Digits(s, ref pos, 2, out var minute) || !Char(s, ref pos, ':') ||
            !Digits(s, ref pos, 2, out var second))
        {
            return false;
        }

        long fractionTicks = 0;
        if (pos < s.Length && s[pos] == '.')
        {
            pos++;
            var start = pos;
            var scale = TimeSpan.TicksPerSecond;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                scale /= 10;
                fractionTicks += (s[pos] - '0') * scale;
                pos++;
            }

            if (pos == start)
            {
                return false;
            }
        }

        if (!TryParseOffset(s, ref pos, out var offset))
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59 || offset.Duration() > TimeSpan.FromHours(14))
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    /// <summary>RFC 3339 at second precision in UTC, as <c>metav1.Time</c> marshals.</summary>
    public static string FormatRfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // RFC 3339 ends in "Z" or "+hh:mm"; Go's String() has " +hhmm" then a zone name and maybe " m=+0.001" (ignored).
    private static bool TryParseOffset(ReadOnlySpan<char> s, ref int pos, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (pos >= s.Length)
        {
            return false;
        }

        if (s[pos] is 'Z' or 'z')
        {
            return pos + 1 == s.Length;
        }

        if (s[pos] is '+' or '-')
        {
            var sign = s[pos] == '-' ? -1 : 1;
            pos++;
            if (!Digits(s, ref pos, 2, out var hours) || !Char(s, ref pos, ':') || !Digits(s, ref pos, 2, out var minutes) || pos != s.Length)
            {
                return false;
            }

            offset = sign * new TimeSpan(hours, minutes, 0);
            return minutes < 60;
        }

        if (s[pos] != ' ' || pos + 1 >= s.Length || s[pos + 1] is not ('+' or '-'))
        {
            return false;
        }

        var goSign = s[pos + 1] == '-' ? -1 : 1;
        pos += 2;
        if (!Digits(s, ref pos, 2, out var goHours) || !Digits(s, ref pos, 2, out var goMinutes) || goMinutes > 59)
        {
            return false;
        }

        if (pos < s.Length && s[pos] != ' ')
        {
            return false;
        }

        offset = goSign * new TimeSpan(goHours, goMinutes, 0);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, ref int pos, int count, out int value)
    {
        value = 0;
        if (pos + count > s.Length)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            var c = s[pos + i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        pos += count;
        return true;
    }

    private static bool Char(ReadOnlySpan<char> s, ref int pos, char expected)
    {
        if (pos < s.Length && s[pos] == expected)
        {
            pos++;
            return true;
        }

        return false;
    }
}
