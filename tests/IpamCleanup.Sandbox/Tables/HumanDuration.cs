using System.Globalization;

namespace IpamCleanup.Sandbox;

/// <summary>Ages the way kubectl prints them (5d, 3h12m, 2y41d), for the server-side tables.</summary>
internal static class HumanDuration
{
    public static string Format(TimeSpan age)
    {
        var seconds = (long)Math.Max(0, age.TotalSeconds);
        if (seconds < 120)
        {
            return Text(seconds, "s");
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? Text(minutes, "m") : Text(minutes, "m") + Text(seconds % 60, "s");
        }

        if (minutes < 180)
        {
            return Text(minutes, "m");
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? Text(hours, "h") : Text(hours, "h") + Text(minutes % 60, "m");
        }

        if (hours < 48)
        {
            return Text(hours, "h");
        }

        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? Text(hours / 24, "d") : Text(hours / 24, "d") + Text(hours % 24, "h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Text(hours / 24, "d");
        }

        if (hours < 24 * 365 * 8)
        {
            var days = hours / 24 % 365;
            return days == 0 ? Text(hours / 24 / 365, "y") : Text(hours / 24 / 365, "y") + Text(days, "d");
        }

        return Text(hours / 24 / 365, "y");
    }

    private static string Text(long value, string unit) => value.ToString(CultureInfo.InvariantCulture) + unit;
}
