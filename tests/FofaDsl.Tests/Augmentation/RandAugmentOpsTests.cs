using FofaDsl.Augmentation;
using static FofaDsl.Tests.Augmentation.AugmentationTestImages;

namespace FofaDsl.Tests.Augmentation;

[Collection(TorchCollection.Name)]
public sealed class RandAugmentOpsTests
{
    private static readonly float[] GreyFill = [100f / 255f];

    private static int[,] Run(RandAugmentOp op, int[,] bytes, double argument)
    {
        using var image = FromBytes(bytes);
        using var result = RandAugmentOps.Apply(op, image, [argument], GreyFill);
        Assert.Equal(image.shape, result.shape);
        return ToBytes(result);
    }

    [Fact]
    public void InvertIs255MinusEachPixel()
    {
        var ramp = Ramp8();
        Assert.Equal(Map(ramp, (v, _, _) => 255 - v), Run(RandAugmentOp.Invert, ramp, 0));
    }

    [Fact]
    public void SolarizeInvertsPixelsAtOrAboveTheThreshold()
    {
        var ramp = Ramp8();
        Assert.Equal(Map(ramp, (v, _, _) => v >= 128 ? 255 - v : v), Run(RandAugmentOp.Solarize, ramp, 128));
        Assert.Equal(ramp, Run(RandAugmentOp.Solarize, ramp, 256));
    }

    [Fact]
    public void SolarizeAddAddsBelow128AndSaturates()
    {
        var ramp = Ramp8();
        Assert.Equal(Map(ramp, (v, _, _) => v < 128 ? Math.Min(255, v + 99) : v), Run(RandAugmentOp.SolarizeAdd, ramp, 99));
    }

    [Fact]
    public void PosterizeKeepsTheMostSignificantBits()
    {
        var ramp = Ramp8();
        Assert.Equal(Map(ramp, (v, _, _) => v & 0b1110_0000), Run(RandAugmentOp.Posterize, ramp, 3));
        Assert.Equal(Map(ramp, (_, _, _) => 0), Run(RandAugmentOp.Posterize, ramp, 0));
        Assert.Equal(ramp, Run(RandAugmentOp.Posterize, ramp, 8));
    }

    [Fact]
    public void BrightnessScalesTruncatesAndClips()
    {
        var ramp = Ramp8();
        Assert.Equal(Map(ramp, (v, _, _) => Math.Min(255, v * 3 / 2)), Run(RandAugmentOp.Brightness, ramp, 1.5));
        Assert.Equal(Map(ramp, (v, _, _) => v / 2), Run(RandAugmentOp.Brightness, ramp, 0.5));
    }

    [Fact]
    public void ShearXByTwoShiftsRowYBy2YPlus1AndFillsBeyondTheEdge()
    {
        // PIL (1, f, 0, 0, 1, 0): output centre (x + 1/2, y + 1/2) reads input x + 1/2 + f (y + 1/2),
        // i.e. input pixel x + 2y + 1, inside while that is at most 7.
        var ramp = Ramp8();
        var expected = Map(ramp, (_, y, x) => x + 2 * y + 1 <= 7 ? ramp[y, x + 2 * y + 1] : 100);
        Assert.Equal(expected, Run(RandAugmentOp.ShearX, ramp, 2.0));
    }

    [Fact]
    public void ShearXByAHalfInterpolatesBilinearly()
    {
        // Row 0 reads x + 0.25: 0.75 p[x] + 0.25 p[x + 1] = 4x + 1 (the last pixel clamps to p[7]).
        // Row 1 reads x + 0.75: 4 (8 + x) + 3 while the source point x + 1.25 stays below 8.
        var result = Run(RandAugmentOp.ShearX, Ramp8(), 0.5);
        for (int x = 0; x < 7; x++)
            Assert.Equal(4 * x + 1, result[0, x]);
        Assert.Equal(28, result[0, 7]);
        for (int x = 0; x < 7; x++)
            Assert.Equal(32 + 4 * x + 3, result[1, x]);
        Assert.Equal(100, result[1, 7]);
    }

    [Fact]
    public void TranslateXRelShiftsByTheFractionOfTheWidth()
    {
        // 0.25 of 8 pixels: output x reads input x + 2.
        var ramp = Ramp8();
        Assert.Equal(Map(ramp, (_, y, x) => x + 2 < 8 ? ramp[y, x + 2] : 100), Run(RandAugmentOp.TranslateXRel, ramp, 0.25));
        Assert.Equal(Map(ramp, (_, y, x) => y - 2 >= 0 ? ramp[y - 2, x] : 100), Run(RandAugmentOp.TranslateYRel, ramp, -0.25));
    }

    [Fact]
    public void RotateNinetyDegreesTurnsCounterClockwise()
    {
        // About the centre, output (x, y) reads input (-y, x): out[y, x] = in[x, 7 - y]; the top-right corner goes top-left.
        var ramp = Ramp8();
        Assert.Equal(Map(ramp, (_, y, x) => ramp[x, 7 - y]), Run(RandAugmentOp.Rotate, ramp, 90));
    }

    [Fact]
    public void EqualizeBuildsPilsCumulativeLut()
    {
        // 256 pixels: 200 of 30, 55 of 40, 1 of 90. step = (256 - 1) // 255 = 1, lut[p] = (0 + pixels below p) // 1.
        var bytes = new int[16, 16];
        for (int i = 0; i < 256; i++)
            bytes[i / 16, i % 16] = i < 200 ? 30 : i < 255 ? 40 : 90;
        var expected = Map(bytes, (v, _, _) => v switch { 30 => 0, 40 => 200, _ => 255 });
        Assert.Equal(expected, Run(RandAugmentOp.Equalize, bytes, 0));
    }

    [Fact]
    public void EqualizeOfASmallImageIsTheIdentity()
    {
        // 64 pixels: (64 - 1) // 255 = 0, PIL keeps the image.
        var ramp = Ramp8();
        Assert.Equal(ramp, Run(RandAugmentOp.Equalize, ramp, 0));
    }

    [Fact]
    public void AutoContrastStretchesTheRangeToFull()
    {
        var bytes = Map(new int[4, 4], (_, y, x) => 50 + 10 * (y * 4 + x) / 3);
        int low = 50, high = bytes[3, 3];
        var expected = Map(bytes, (v, _, _) => (v - low) * 255 / (high - low));
        Assert.Equal(expected, Run(RandAugmentOp.AutoContrast, bytes, 0));
    }

    [Fact]
    public void ColorAtZeroGivesPilsGreyLevel()
    {
        // L = (19595 R + 38470 G + 7471 B + 32768) >> 16 for (200, 100, 50): 8172318 >> 16 = 124.
        using var image = TorchSharp.torch.tensor(new[] { 200f / 255, 100f / 255, 50f / 255 }, [1, 3, 1, 1]);
        using var result = RandAugmentOps.Apply(RandAugmentOp.Color, image, [0.0], [0f, 0f, 0f]);
        Assert.All(Values(result * 255f), v => Assert.Equal(124f, v, 3));
    }

    [Fact]
    public void EachImageUsesItsOwnArgument()
    {
        var ramp = Ramp8();
        using var one = FromBytes(ramp);
        using var batch = TorchSharp.torch.cat([one, one], 0);
        using var result = RandAugmentOps.Apply(RandAugmentOp.Posterize, batch, [1.0, 2.0], GreyFill);
        Assert.Equal(Map(ramp, (v, _, _) => v & 0x80), ToBytes(result, 0));
        Assert.Equal(Map(ramp, (v, _, _) => v & 0xC0), ToBytes(result, 1));
    }
}
