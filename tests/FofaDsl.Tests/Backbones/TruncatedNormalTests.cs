using FofaDsl.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class TruncatedNormalTests
{
    [Fact]
    public void Wide_bounds_give_a_plain_normal()
    {
        torch.manual_seed(31);
        using var samples = TruncatedNormal.Fill(empty(200, 200), mean: 0.5, std: 0.02);
        Assert.InRange(samples.mean().item<float>(), 0.4995, 0.5005);
        Assert.InRange(samples.std().item<float>(), 0.0196, 0.0204);
    }

    [Fact]
    public void Samples_stay_inside_tight_bounds_with_the_truncated_spread()
    {
        torch.manual_seed(32);
        using var samples = TruncatedNormal.Fill(empty(200, 200), mean: 0, std: 1, a: -1, b: 1);
        Assert.True(samples.min().item<float>() >= -1f);
        Assert.True(samples.max().item<float>() <= 1f);
        // Var of N(0,1) cut to [-1, 1] = 1 - 2 phi(1) / (2 Phi(1) - 1) = 1 - 2 * 0.241971 / 0.682689 = 0.291125.
        Assert.InRange(samples.std().item<float>(), Math.Sqrt(0.291125) - 0.005, Math.Sqrt(0.291125) + 0.005);
    }
}
