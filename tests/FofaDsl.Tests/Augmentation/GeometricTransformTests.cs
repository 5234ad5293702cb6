using FofaDsl.Augmentation;
using static FofaDsl.Tests.Augmentation.AugmentationTestImages;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Augmentation;

[Collection(TorchCollection.Name)]
public sealed class GeometricTransformTests
{
    [Fact]
    public void FlipReversesRowsOfTheChosenImagesOnly()
    {
        using var images = arange(2 * 1 * 2 * 3, ScalarType.Float32).reshape(2, 1, 2, 3);
        using var result = RandomHorizontalFlip.Apply(images, [true, false]);
        // Image 0 rows [0 1 2] [3 4 5] become [2 1 0] [5 4 3]; image 1 stays [6..11].
        Assert.Equal(new float[] { 2, 1, 0, 5, 4, 3, 6, 7, 8, 9, 10, 11 }, Values(result));
    }

    [Fact]
    public void FlipIsSeededAndHitsAboutHalf()
    {
        var a = new RandomHorizontalFlip(new Random(5)).Sample(1000);
        var b = new RandomHorizontalFlip(new Random(5)).Sample(1000);
        Assert.Equal(a, b);
        Assert.InRange(a.Count(f => f), 450, 550);
    }

    [Fact]
    public void FullScaleSquareCropIsTheIdentity()
    {
        using var images = RandomUnit(3, 3, 8, 8);
        var crop = new RandomResizedCrop(8, 8, new Random(1), scale: (1.0, 1.0), ratio: (1.0, 1.0));
        Assert.Equal(new CropBox(0, 0, 8, 8), crop.SampleBox(8, 8));
        using var result = crop.Apply(images);
        Assert.True(result.allclose(images, 1e-5, 1e-5));
    }

    [Fact]
    public void CropUpsamplesLikeInterpolateWithinTheBox()
    {
        // Box rows/cols 1..2 of a 4x4 image to 4x4: output u reads 1 + (u + 0.5) / 2 - 0.5 = 0.75, 1.25, 1.75, 2.25,
        // clamped to the box's centres 1..2: weights (1, 0), (0.75, 0.25), (0.25, 0.75), (0, 1) between columns 1 and 2.
        using var image = arange(16, ScalarType.Float32).reshape(1, 1, 4, 4);
        using var result = RandomResizedCrop.CropAndResize(image, [new CropBox(1, 1, 2, 2)], 4, 4);
        double[] w = [0, 0.25, 0.75, 1];
        var values = Values(result);
        for (int v = 0; v < 4; v++)
        for (int u = 0; u < 4; u++)
        {
            double row = 1 + w[v], col = 1 + w[u];
            Assert.Equal(4 * row + col, values[v * 4 + u], 4);
        }
    }

    [Fact]
    public void SampledBoxesStayInsideAndInTheAreaRange()
    {
        var crop = new RandomResizedCrop(16, 16, new Random(2));
        for (int i = 0; i < 500; i++)
        {
            var box = crop.SampleBox(16, 16);
            Assert.InRange(box.Top, 0, 16 - box.Height);
            Assert.InRange(box.Left, 0, 16 - box.Width);
            Assert.True(box.Area >= 1 && box.Area <= 256);
        }
    }

    [Fact]
    public void ImpossibleScaleFallsBackToTheCentreCrop()
    {
        // A 4x16 image with ratio pinned to 1 and area 100% never fits (8x8 > 4 rows): torchvision's fallback is
        // the widest box of ratio 1, 4x4, centred at column (16 - 4) / 2 = 6.
        var crop = new RandomResizedCrop(4, 4, new Random(0), scale: (1.0, 1.0), ratio: (1.0, 1.0));
        Assert.Equal(new CropBox(0, 6, 4, 4), crop.SampleBox(4, 16));
    }

    [Fact]
    public void CropIsSeededAndShaped()
    {
        using var images = RandomUnit(4, 3, 16, 16);
        using var a = new RandomResizedCrop(8, 8, new Random(9)).Apply(images);
        using var b = new RandomResizedCrop(8, 8, new Random(9)).Apply(images);
        using var c = new RandomResizedCrop(8, 8, new Random(10)).Apply(images);
        Assert.Equal(new long[] { 4, 3, 8, 8 }, a.shape);
        Assert.True(Same(a, b));
        Assert.False(Same(a, c));
    }

    [Fact]
    public void EvalTransformCentreCropsAfterResizingTheShorterSide()
    {
        // size 28 at 0.875: shorter side floor(32) = 32, no resize; crop offset round(4 / 2) = 2.
        using var images = RandomUnit(2, 3, 32, 32);
        var eval = new EvalTransform(28);
        Assert.Equal(32, eval.ResizedShorterSide);
        using var result = eval.Apply(images);
        using var expected = images.narrow(2, 2, 28).narrow(3, 2, 28);
        Assert.True(Same(result, expected));

        // size 8 from 8x8: resize to floor(9.14) = 9, crop 8.
        using var small = RandomUnit(2, 3, 8, 8);
        using var resized = new EvalTransform(8).Apply(small);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, resized.shape);
    }
}
