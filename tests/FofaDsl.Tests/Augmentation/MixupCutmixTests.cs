using FofaDsl.Augmentation;
using static FofaDsl.Tests.Augmentation.AugmentationTestImages;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Augmentation;

[Collection(TorchCollection.Name)]
public sealed class MixupCutmixTests
{
    [Fact]
    public void MixupBlendsWithTheReversedBatchByLambda()
    {
        using var images = tensor(new float[] { 1, 2, 3, 4, 10, 20, 30, 40 }, [2, 1, 2, 2]);
        using var labels = tensor(new long[] { 0, 2 });
        var mix = new MixupCutmix(4, new Random(0), labelSmoothing: 0.1);
        var (mixed, targets) = mix.Apply(images, labels, new MixDecision(0.7, false, null));

        // Image 0: 0.7 x0 + 0.3 x1; image 1: 0.7 x1 + 0.3 x0.
        float[] expected = [0.7f * 1 + 0.3f * 10, 0.7f * 2 + 0.3f * 20, 0.7f * 3 + 0.3f * 30, 0.7f * 4 + 0.3f * 40,
                            0.7f * 10 + 0.3f * 1, 0.7f * 20 + 0.3f * 2, 0.7f * 30 + 0.3f * 3, 0.7f * 40 + 0.3f * 4];
        Assert.Equal(expected, Values(mixed), (a, b) => Math.Abs(a - b) < 1e-5);

        // Smoothing 0.1 over 4 classes: off 0.025, on 0.925. Row 0: 0.7 onehot(0) + 0.3 onehot(2).
        float[] expectedTargets = [0.7f * 0.925f + 0.3f * 0.025f, 0.025f, 0.7f * 0.025f + 0.3f * 0.925f, 0.025f,
                                   0.7f * 0.025f + 0.3f * 0.925f, 0.025f, 0.7f * 0.925f + 0.3f * 0.025f, 0.025f];
        Assert.Equal(expectedTargets, Values(targets), (a, b) => Math.Abs(a - b) < 1e-6);
        mixed.Dispose();
        targets.Dispose();
    }

    [Fact]
    public void CutmixBoxFollowsRandBboxAndClips()
    {
        // lambda 0.75: sides int(8 * 0.5) = 4, half 2; centre (1, 1): rows clip(-1..3) = 0..3, columns the same.
        Assert.Equal(new CropBox(0, 0, 3, 3), MixupCutmix.CutmixBox(8, 8, 0.75, 1, 1));
        Assert.Equal(new CropBox(2, 3, 4, 4), MixupCutmix.CutmixBox(8, 8, 0.75, 4, 5));
    }

    [Fact]
    public void CutmixLambdaIsCorrectedToTheClippedArea()
    {
        var mix = new MixupCutmix(10, new Random(3));
        int cutmixes = 0;
        for (int i = 0; i < 200; i++)
        {
            var decision = mix.Sample(16, 16);
            Assert.InRange(decision.Lambda, 0.0, 1.0);
            if (!decision.UseCutmix)
                continue;
            cutmixes++;
            var box = decision.Box!.Value;
            Assert.Equal(1.0 - box.Area / 256.0, decision.Lambda, 12);
        }
        Assert.InRange(cutmixes, 70, 130);
    }

    [Fact]
    public void CutmixPastesTheReversedBatchInsideTheBox()
    {
        using var images = RandomUnit(3, 2, 8, 8);
        using var labels = tensor(new long[] { 0, 1, 2 });
        var box = new CropBox(2, 1, 3, 5);
        double lambda = 1.0 - box.Area / 64.0;
        var mix = new MixupCutmix(3, new Random(0), labelSmoothing: 0.0);
        var (mixed, targets) = mix.Apply(images, labels, new MixDecision(lambda, true, box));

        var original = Values(images);
        var result = Values(mixed);
        for (int b = 0; b < 3; b++)
        for (int c = 0; c < 2; c++)
        for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
        {
            bool inside = y >= 2 && y < 5 && x >= 1 && x < 6;
            int source = inside ? 2 - b : b;
            Assert.Equal(original[((source * 2 + c) * 8 + y) * 8 + x], result[((b * 2 + c) * 8 + y) * 8 + x]);
        }

        // No smoothing: row 0 is lambda on class 0 and 1 - lambda on class 2; row 1 all on class 1.
        var t = Values(targets);
        Assert.Equal((float)lambda, t[0], 6);
        Assert.Equal((float)(1 - lambda), t[2], 6);
        Assert.Equal(1f, t[4], 6);
        mixed.Dispose();
        targets.Dispose();
    }

    [Fact]
    public void SoftTargetRowsSumToOneAndAreSeeded()
    {
        using var images = RandomUnit(6, 3, 8, 8);
        using var labels = tensor(new long[] { 0, 1, 2, 3, 4, 0 });
        for (int seed = 0; seed < 10; seed++)
        {
            var (a, ta) = new MixupCutmix(5, new Random(seed)).Apply(images, labels);
            var (b, tb) = new MixupCutmix(5, new Random(seed)).Apply(images, labels);
            Assert.Equal(new long[] { 6, 5 }, ta.shape);
            Assert.True(ta.sum(1).allclose(ones(6), 1e-6, 1e-6));
            Assert.True(Same(a, b) && Same(ta, tb));
            foreach (var t in new[] { a, ta, b, tb })
                t.Dispose();
        }
    }

    [Fact]
    public void BetaDrawsHaveTheBetaMeanAndVariance()
    {
        // Beta(0.8, 0.8): mean 1/2, variance ab / ((a + b)^2 (a + b + 1)) = 0.64 / (2.56 * 2.6).
        var random = new Random(42);
        var draws = Enumerable.Range(0, 20000).Select(_ => FofaDsl.Augmentation.RandomSampling.Beta(random, 0.8, 0.8)).ToArray();
        double mean = draws.Average();
        double variance = draws.Select(d => (d - mean) * (d - mean)).Average();
        Assert.InRange(mean, 0.49, 0.51);
        Assert.InRange(variance, 0.64 / (2.56 * 2.6) - 0.005, 0.64 / (2.56 * 2.6) + 0.005);
        Assert.All(draws, d => Assert.InRange(d, 0.0, 1.0));
    }
}
