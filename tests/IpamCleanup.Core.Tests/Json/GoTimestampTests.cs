using IpamCleanup.Core.Json;

namespace IpamCleanup.Core.Tests.Json;

public class GoTimestampTests
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute, int second, long ticks = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).AddTicks(ticks);

    [Theory]
    [InlineData("2025-01-01 10:00:00.123456789 +0000 UTC", 1_234_567)]
    [InlineData("2025-01-01 10:00:00.1 +0000 UTC", 1_000_000)]
    [InlineData("2025-01-01 10:00:00.12 +0000 UTC", 1_200_000)]
    [InlineData("2025-01-01 10:00:00 +0000 UTC", 0)]
    [InlineData("2025-01-01 10:00:00.000000001 +0000 UTC", 0)]
    [InlineData("2025-01-01 10:00:00.9999999 +0000 UTC", 9_999_999)]
    public void Go_time_string_fractions_of_zero_to_nine_digits_are_truncated_to_ticks(string text, long ticks)
    {
        Assert.Equal(Utc(2025, 1, 1, 10, 0, 0, ticks), GoTimestamp.Parse(text));
    }

    [Fact]
    public void Go_time_string_with_an_offset_and_monotonic_suffix_is_converted_to_utc()
    {
        Assert.Equal(Utc(2025, 1, 1, 8, 0, 0), GoTimestamp.Parse("2025-01-01 10:00:00 +0200 EET m=+12.345678901"));
    }

    [Theory]
    [InlineData("2025-01-01T10:00:00Z")]
    [InlineData("2025-01-01T12:00:00+02:00")]
    [InlineData("2025-01-01T10:00:00.000000000Z")]
    public void Rfc3339_is_accepted(string text)
    {
        Assert.Equal(Utc(2025, 1, 1, 10, 0, 0), GoTimestamp.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2025-13-01 10:00:00 +0000 UTC")]
    [InlineData("2025-02-30T10:00:00Z")]
    [InlineData("2025-01-01 10:00:00")]
    [InlineData("2025-01-01 10:00:00. +0000 UTC")]
    [InlineData("2025-01-01T10:00:00Zjunk")]
    [InlineData("1735725600")]
    public void Unparseable_text_is_null(string? text)
    {
        Assert.Null(GoTimestamp.Parse(text));
    }

    [Fact]
    public void Rfc3339_formatting_is_second_precision_utc()
    {
        Assert.Equal("2025-01-01T10:00:00Z", GoTimestamp.FormatRfc3339(Utc(2025, 1, 1, 10, 0, 0, 5_000_000)));
    }
}
