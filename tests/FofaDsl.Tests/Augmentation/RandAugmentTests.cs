using FofaDsl.Augmentation;
using static FofaDsl.Tests.Augmentation.AugmentationTestImages;

namespace FofaDsl.Tests.Augmentation;

[Collection(TorchCollection.Name)]
public sealed class RandAugmentTests
{
    private static readonly float[] Fill = [0.5f, 0.5f, 0.5f];

    [Fact]
    public void MagnitudeNineMapsToTimmsArguments()
    {
        // timm: level = m / 10; rotate 30 level, posterize int(4 level), solarize int(256 level),
        // solarize-add int(110 level), enhance 1.8 level + 0.1, shear 0.3 level, translate 0.45 level.
        const double level = 9 / 10.0;
        Assert.Equal(27.0, RandAugmentLevels.Argument(RandAugmentOp.Rotate, 9), 12);
        Assert.Equal(3.0, RandAugmentLevels.Argument(RandAugmentOp.Posterize, 9));
        Assert.Equal(230.0, RandAugmentLevels.Argument(RandAugmentOp.Solarize, 9));
        Assert.Equal(99.0, RandAugmentLevels.Argument(RandAugmentOp.SolarizeAdd, 9));
        foreach (var op in new[] { RandAugmentOp.Color, RandAugmentOp.Contrast, RandAugmentOp.Brightness, RandAugmentOp.Sharpness })
            Assert.Equal(level * 1.8 + 0.1, RandAugmentLevels.Argument(op, 9), 12);
        Assert.Equal(1.72, RandAugmentLevels.Argument(RandAugmentOp.Color, 9), 12);
        Assert.Equal(0.27, RandAugmentLevels.Argument(RandAugmentOp.ShearX, 9), 12);
        Assert.Equal(0.27, RandAugmentLevels.Argument(RandAugmentOp.ShearY, 9), 12);
        Assert.Equal(0.405, RandAugmentLevels.Argument(RandAugmentOp.TranslateXRel, 9), 12);
        Assert.Equal(0.405, RandAugmentLevels.Argument(RandAugmentOp.TranslateYRel, 9), 12);
        Assert.Equal(0.0, RandAugmentLevels.Argument(RandAugmentOp.Invert, 9));
        Assert.True(RandAugmentLevels.IsSigned(RandAugmentOp.Rotate));
        Assert.False(RandAugmentLevels.IsSigned(RandAugmentOp.Solarize));
    }

    [Fact]
    public void TimmConfigStringIsRead()
    {
        var options = RandAugmentOptions.FromTimmConfig("rand-m9-mstd0.5");
        Assert.Equal(9, options.Magnitude);
        Assert.Equal(0.5, options.MagnitudeStd);
        Assert.Equal(2, options.OpsPerImage);
        Assert.Equal(0.5, options.ApplyProbability);
        Assert.Equal(15, options.Ops.Count);
        Assert.Equal(3, RandAugmentOptions.FromTimmConfig("rand-m7-n3-mstd101").OpsPerImage);
        Assert.True(double.IsPositiveInfinity(RandAugmentOptions.FromTimmConfig("rand-mstd101").MagnitudeStd));
        Assert.Throws<FormatException>(() => RandAugmentOptions.FromTimmConfig("rand-m9-inc1"));
        Assert.Throws<FormatException>(() => RandAugmentOptions.FromTimmConfig("augmix-m3"));
    }

    [Fact]
    public void PlanAppliesAboutHalfTheOpsWithArgumentsInTimmsRange()
    {
        var augment = new RandAugment(new RandAugmentOptions(), Fill, new Random(3));
        var plan = augment.Sample(2000);
        int applied = plan.Sum(steps => steps.Count);
        Assert.All(plan, steps => Assert.True(steps.Count <= 2));
        Assert.InRange(applied / 4000.0, 0.46, 0.54);

        // Magnitude N(9, 0.5) clipped to [0, 10]: posterize keeps 3 (or 4 at the clip) bits; rotation within 30 degrees, both signs.
        var steps = plan.SelectMany(s => s).ToArray();
        Assert.All(steps.Where(s => s.Op == RandAugmentOp.Posterize), s => Assert.Contains(s.Argument, new[] { 2.0, 3.0, 4.0 }));
        var rotations = steps.Where(s => s.Op == RandAugmentOp.Rotate).Select(s => s.Argument).ToArray();
        Assert.All(rotations, r => Assert.InRange(Math.Abs(r), 18.0, 30.0));
        Assert.Contains(rotations, r => r < 0);
        Assert.Contains(rotations, r => r > 0);
        Assert.Equal(15, steps.Select(s => s.Op).Distinct().Count());
    }

    [Fact]
    public void ExplicitPlanTransformsOnlyTheNamedImages()
    {
        using var images = RandomUnit(2, 3, 8, 8);
        var augment = new RandAugment(new RandAugmentOptions(), Fill, new Random(1));
        IReadOnlyList<RandAugmentStep>[] plan = [[new RandAugmentStep(RandAugmentOp.Invert, 0)], []];
        using var result = augment.Apply(images, plan);

        // Inputs are snapped to the 8-bit grid first.
        using var grid = (images * 255f).round() / 255f;
        Assert.True((1f - grid[0]).allclose(result[0], 1e-6, 1e-6));
        Assert.True(grid[1].allclose(result[1], 1e-6, 1e-6));
    }

    [Fact]
    public void SameSeedSameResultOtherSeedDifferent()
    {
        using var images = RandomUnit(8, 3, 16, 16);
        using var a = new RandAugment(new RandAugmentOptions(), Fill, new Random(11)).Apply(images);
        using var b = new RandAugment(new RandAugmentOptions(), Fill, new Random(11)).Apply(images);
        using var c = new RandAugment(new RandAugmentOptions(), Fill, new Random(12)).Apply(images);
        Assert.Equal(images.shape, a.shape);
        Assert.True(Same(a, b));
        Assert.False(Same(a, c));
        Assert.True(a.min().item<float>() >= 0f && a.max().item<float>() <= 1f);
    }
}
