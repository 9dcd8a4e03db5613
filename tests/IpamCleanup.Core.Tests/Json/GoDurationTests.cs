using IpamCleanup.Core.Json;

namespace IpamCleanup.Core.Tests.Json;

public class GoDurationTests
{
    [Theory]
    [InlineData("15m0s", 900_000)]
    [InlineData("1h0m0s", 3_600_000)]
    [InlineData("0s", 0)]
    [InlineData("0", 0)]
    [InlineData("300ms", 300)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("-2s", -2_000)]
    [InlineData("+2s", 2_000)]
    [InlineData(".5s", 500)]
    [InlineData("1500us", 1.5)]
    [InlineData("1500\u00b5s", 1.5)]
    [InlineData("1500\u03bcs", 1.5)]
    public void Go_duration_text_is_parsed(string text, double milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text));
    }

    [Fact]
    public void Nanoseconds_below_a_tick_are_truncated()
    {
        Assert.Equal(TimeSpan.FromTicks(1), GoDuration.Parse("199ns"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("15")]
    [InlineData("15x")]
    [InlineData("m")]
    [InlineData(".s")]
    [InlineData("1h 30m")]
    [InlineData("-")]
    public void Invalid_duration_text_is_null(string? text)
    {
        Assert.Null(GoDuration.Parse(text));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(900_000, "15m0s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(300, "300ms")]
    [InlineData(1_500, "1.5s")]
    [InlineData(93_784_500, "26h3m4.5s")]
    [InlineData(-2_000, "-2s")]
    [InlineData(0.0015, "1.5\u00b5s")]
    public void Durations_are_formatted_as_go_prints_them(double milliseconds, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks((long)Math.Round(milliseconds * TimeSpan.TicksPerMillisecond))));
    }
}
