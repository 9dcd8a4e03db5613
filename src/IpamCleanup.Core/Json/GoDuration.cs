using System.Globalization;
using System.Text;

namespace IpamCleanup.Core.Json;

/// <summary>
/// Go <c>time.Duration</c> text (<c>metav1.Duration</c>), e.g. "15m0s", "1h0m0s", "0s", "300ms", "1.5h".
/// Parsing follows <c>time.ParseDuration</c>; precision below .NET's 100 ns tick is truncated.
/// </summary>
public static class GoDuration
{
    private const long NanosecondsPerTick = 100;

    public static TimeSpan? Parse(string? text) => TryParse(text, out var value) ? value : null;

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text.AsSpan();
        var pos = 0;
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            pos++;
        }

        if (s[pos..] is "0")
        {
            return true;
        }

        if (pos == s.Length)
        {
            return false;
        }

        decimal totalNanoseconds = 0;
        while (pos < s.Length)
        {
            var integerStart = pos;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }

            var integerDigits = s[integerStart..pos];
            var fractionDigits = ReadOnlySpan<char>.Empty;
            if (pos < s.Length && s[pos] == '.')
            {
                pos++;
                var fractionStart = pos;
                while (pos < s.Length && char.IsAsciiDigit(s[pos]))
                {
                    pos++;
                }

                fractionDigits = s[fractionStart..pos];
            }

            if (integerDigits.IsEmpty && fractionDigits.IsEmpty)
            {
                return false;
            }

            var unitStart = pos;
            while (pos < s.Length && s[pos] != '.' && !char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }

            var unit = UnitNanoseconds(s[unitStart..pos]);
            if (unit == 0 || integerDigits.Length > 20)
            {
                return false;
            }

            decimal number = integerDigits.IsEmpty ? 0 : decimal.Parse(integerDigits, NumberStyles.None, CultureInfo.InvariantCulture);
            decimal scale = 1;
            foreach (var digit in fractionDigits)
            {
                scale /= 10;
                if (scale == 0)
                {
                    break;
                }

                number += (digit - '0') * scale;
            }

            totalNanoseconds += number * unit;
            if (totalNanoseconds > long.MaxValue)
            {
                return false;
            }
        }

        var ticks = (long)decimal.Truncate(totalNanoseconds / NanosecondsPerTick);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Formats as Go's <c>Duration.String()</c> does: "0s", "300ms", "1.5µs", "15m0s", "26h3m0.5s".</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var nanoseconds = (UInt128)(ulong)Math.Abs((decimal)duration.Ticks) * NanosecondsPerTick;
        var builder = new StringBuilder();
        if (duration < TimeSpan.Zero)
        {
            builder.Append('-');
        }

        if (nanoseconds < 1_000_000_000)
        {
            if (nanoseconds < 1_000)
            {
                return builder.Append(nanoseconds.ToString(CultureInfo.InvariantCulture)).Append("ns").ToString();
            }

            var (unit, digits) = nanoseconds < 1_000_000 ? ("\u00b5s", 3) : ("ms", 6);
            AppendWithFraction(builder, nanoseconds, digits);
            return builder.Append(unit).ToString();
        }

        var seconds = nanoseconds / 1_000_000_000;
        var minutes = seconds / 60;
        var hours = minutes / 60;
        if (hours > 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (minutes > 0)
        {
            builder.Append((minutes % 60).ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        AppendWithFraction(builder, nanoseconds % 60_000_000_000, 9);
        return builder.Append('s').ToString();
    }

    private static void AppendWithFraction(StringBuilder builder, UInt128 value, int fractionDigits)
    {
        UInt128 divisor = 1;
        for (var i = 0; i < fractionDigits; i++)
        {
            divisor *= 10;
        }

        builder.Append((value / divisor).ToString(CultureInfo.InvariantCulture));
        var fraction = (value % divisor).ToString(CultureInfo.InvariantCulture).PadLeft(fractionDigits, '0').TrimEnd('0');
        if (fraction.Length > 0)
        {
            builder.Append('.').Append(fraction);
        }
    }

    private static decimal UnitNanoseconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1m,
        "us" or "\u00b5s" or "\u03bcs" => 1_000m,
        "ms" => 1_000_000m,
        "s" => 1_000_000_000m,
        "m" => 60_000_000_000m,
        "h" => 3_600_000_000_000m,
        _ => 0m,
    };
}
