namespace FofaDsl.Backbones;

/// <summary>
/// timm's channel rounding (<c>make_divisible</c> / <c>round_channels</c>): scaled widths are
/// rounded to a multiple of a divisor, as the published MobileNet and EfficientNet checkpoints were built.
/// </summary>
public static class ChannelRounding
{
    /// <summary>
    /// Rounds <paramref name="value"/> to the nearest multiple of <paramref name="divisor"/> (halves
    /// up), at least <paramref name="divisor"/>, and one step higher when rounding lost more than 10%.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="divisor"/> is not positive.</exception>
    public static int MakeDivisible(double value, int divisor = 8)
    {
        if (divisor < 1) throw new ArgumentOutOfRangeException(nameof(divisor), divisor, "The divisor must be positive.");
        var rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        // Never shrink a layer by more than 10%: that would cost accuracy the multiplier did not ask for.
        if (rounded < 0.9 * value) rounded += divisor;
        return rounded;
    }

    /// <summary><paramref name="channels"/> scaled by <paramref name="multiplier"/>, then <see cref="MakeDivisible"/> by 8.</summary>
    public static int Round(int channels, double multiplier) => MakeDivisible(channels * multiplier);
}
