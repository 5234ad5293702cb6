using FofaDsl.Augmentation;
using static FofaDsl.Tests.Augmentation.AugmentationTestImages;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Augmentation;

[Collection(TorchCollection.Name)]
public sealed class AugmentationRecipeTests
{
    private static (Tensor Images, Tensor Labels) Batch()
    {
        var unit = RandomUnit(4, 3, 8, 8);
        var images = ChannelNormalisation.Cifar100.Normalise(unit);
        unit.Dispose();
        return (images, tensor(new long[] { 0, 3, 7, 9 }));
    }

    [Fact]
    public void VitCifarShapesAndSeeds()
    {
        var (images, labels) = Batch();
        var (a, ta) = AugmentationRecipe.VitCifar(10, ChannelNormalisation.Cifar100, outputSize: 16, seed: 1).Apply(images, labels);
        var (b, tb) = AugmentationRecipe.VitCifar(10, ChannelNormalisation.Cifar100, outputSize: 16, seed: 1).Apply(images, labels);
        var (c, tc) = AugmentationRecipe.VitCifar(10, ChannelNormalisation.Cifar100, outputSize: 16, seed: 2).Apply(images, labels);
        Assert.Equal(new long[] { 4, 3, 16, 16 }, a.shape);
        Assert.Equal(new long[] { 4, 10 }, ta.shape);
        Assert.True(ta.sum(1).allclose(ones(4), 1e-5, 1e-5));
        Assert.True(Same(a, b) && Same(ta, tb));
        Assert.False(Same(a, c));
        foreach (var t in new[] { images, labels, a, ta, b, tb, c, tc })
            t.Dispose();
    }

    [Fact]
    public void CnnCifarOnlyCropsAndFlipsAndSmoothsTheLabels()
    {
        var (images, labels) = Batch();
        var recipe = AugmentationRecipe.CnnCifar(10, ChannelNormalisation.Cifar100, outputSize: 8, seed: 0);
        Assert.Null(recipe.Options.RandAugment);
        var (augmented, targets) = recipe.Apply(images, labels);
        Assert.Equal(images.shape, augmented.shape);

        // Smoothing 0.1 over 10 classes, no mixing: 0.91 on the label, 0.01 elsewhere.
        var t = Values(targets);
        long[] label = [0, 3, 7, 9];
        for (int b = 0; b < 4; b++)
        for (int k = 0; k < 10; k++)
            Assert.Equal(k == label[b] ? 0.91f : 0.01f, t[b * 10 + k], 6);

        // Crop and flip only move pixels about: values stay within the input's range.
        Assert.True(augmented.min().item<float>() >= images.min().item<float>() - 1e-5f);
        Assert.True(augmented.max().item<float>() <= images.max().item<float>() + 1e-5f);
        foreach (var x in new[] { images, labels, augmented, targets })
            x.Dispose();
    }

    [Fact]
    public void NormalisationRoundTrips()
    {
        using var unit = RandomUnit(2, 3, 4, 4);
        using var normalised = ChannelNormalisation.Cifar100.Normalise(unit);
        using var back = ChannelNormalisation.Cifar100.Denormalise(normalised);
        Assert.True(back.allclose(unit, 1e-5, 1e-5));
        // timm img_mean: round(255 * 0.5071) = 129, as a [0, 1] fill colour.
        Assert.Equal(129f / 255f, ChannelNormalisation.Cifar100.FillColour[0], 6);
    }
}
