using FofaDsl.Augmentation;
using static FofaDsl.Tests.Augmentation.AugmentationTestImages;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Augmentation;

[Collection(TorchCollection.Name)]
public sealed class RandomErasingTests
{
    [Fact]
    public void ErasesOneRectangleWithinTheAreaAndAspectBounds()
    {
        // Constant mode writes zeros into an all-five image: the zeros are exactly the box.
        var erasing = new RandomErasing(new Random(4), probability: 1.0, mode: ErasingMode.Constant);
        for (int trial = 0; trial < 30; trial++)
        {
            var boxes = erasing.SampleBoxes(16, 16);
            var box = Assert.Single(boxes);
            Assert.InRange(box.Top, 0, 16 - box.Height);
            Assert.InRange(box.Left, 0, 16 - box.Width);
            Assert.True(box.Height < 16 && box.Width < 16);

            // h = round(sqrt(T a)), w = round(sqrt(T / a)) with T in [0.02, 1/3] * 256: the area is T up to rounding.
            double slack = (box.Height + box.Width) / 2.0 + 0.25;
            Assert.InRange(box.Area, 0.02 * 256 - slack, 256 / 3.0 + slack);

            using var images = full(1, 2, 16, 16, 5f);
            using var erased = erasing.Apply(images, [boxes]);
            var values = Values(erased);
            for (int c = 0; c < 2; c++)
            for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
            {
                bool inside = y >= box.Top && y < box.Top + box.Height && x >= box.Left && x < box.Left + box.Width;
                Assert.Equal(inside ? 0f : 5f, values[(c * 16 + y) * 16 + x]);
            }
        }
    }

    [Fact]
    public void ErasesAboutAQuarterOfTheImagesAtProbabilityQuarter()
    {
        var erasing = new RandomErasing(new Random(8));
        int erased = Enumerable.Range(0, 2000).Count(_ => erasing.SampleBoxes(16, 16).Count > 0);
        Assert.InRange(erased / 2000.0, 0.22, 0.28);
    }

    [Fact]
    public void PixelModeIsSeededNoiseAndLeavesTheRestAlone()
    {
        using var images = RandomUnit(6, 3, 16, 16);
        using var a = new RandomErasing(new Random(21), probability: 1.0).Apply(images);
        using var b = new RandomErasing(new Random(21), probability: 1.0).Apply(images);
        using var c = new RandomErasing(new Random(22), probability: 1.0).Apply(images);
        Assert.Equal(images.shape, a.shape);
        Assert.True(Same(a, b));
        Assert.False(Same(a, c));

        // Uniform [0, 1) inputs: only the erased noise goes negative.
        Assert.True(a.lt(0f).any().item<bool>());
        Assert.False(images.lt(0f).any().item<bool>());
    }
}
