using FofaDsl.Backbones;

namespace FofaDsl.Tests.Backbones;

public sealed class ChannelRoundingTests
{
    [Theory]
    // Nearest multiple of 8, halves up: 12 + 4 = 16 -> 16; 20 + 4 = 24 -> 24; 96 stays.
    [InlineData(12.0, 16)]
    [InlineData(20.0, 24)]
    [InlineData(96.0, 96)]
    // Never below the divisor.
    [InlineData(3.0, 8)]
    // 19 + 4 = 23 -> 16, but 16 < 0.9 * 19 = 17.1, so one step up: 24.
    [InlineData(19.0, 24)]
    // 44.8 + 4 = 48.8 -> 48.
    [InlineData(44.8, 48)]
    public void MakeDivisible_rounds_to_multiples_of_8_without_losing_more_than_10_percent(double value, int expected)
    {
        Assert.Equal(expected, ChannelRounding.MakeDivisible(value));
    }

    [Fact]
    public void Round_scales_before_rounding()
    {
        // 24 * 0.5 = 12 -> 16; 1280 * 0.5 = 640; 32 * 1.4 = 44.8 -> 48.
        Assert.Equal(16, ChannelRounding.Round(24, 0.5));
        Assert.Equal(640, ChannelRounding.Round(1280, 0.5));
        Assert.Equal(48, ChannelRounding.Round(32, 1.4));
    }
}
