using FofaDsl.Augmentation;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Augmentation;

[Collection(TorchCollection.Name)]
public sealed class SoftTargetCrossEntropyTests
{
    [Fact]
    public void MatchesTheHandComputedMeanOverSamples()
    {
        using var logits = tensor(new float[] { 1, 2, 3, 0, 0, 0 }, [2, 3]);
        using var targets = tensor(new float[] { 0.2f, 0.3f, 0.5f, 1, 0, 0 }, [2, 3]);

        // Row 0: log-sum-exp = log(e + e^2 + e^3); loss = sum_k t_k (lse - z_k). Row 1: log 3.
        double lse = Math.Log(Math.E + Math.Exp(2) + Math.Exp(3));
        double row0 = 0.2 * (lse - 1) + 0.3 * (lse - 2) + 0.5 * (lse - 3);
        double row1 = Math.Log(3);
        using var loss = SoftTargetCrossEntropy.Compute(logits, targets);
        Assert.Equal((row0 + row1) / 2, loss.item<float>(), 5);
    }

    [Fact]
    public void OneHotTargetsGiveTheOrdinaryCrossEntropy()
    {
        manual_seed(3);
        using var logits = randn(4, 5);
        using var labels = tensor(new long[] { 0, 4, 2, 2 });
        using var oneHot = nn.functional.one_hot(labels, 5).to(ScalarType.Float32);
        using var soft = SoftTargetCrossEntropy.Compute(logits, oneHot);
        using var hard = nn.functional.cross_entropy(logits, labels);
        Assert.Equal(hard.item<float>(), soft.item<float>(), 5);
    }
}
