using FofaDsl.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

[Collection(TorchCollection.Name)]
public sealed class ConvNeXtLayersTests
{
    [Fact]
    public void LayerNorm2d_normalises_the_channels_at_every_position()
    {
        using var norm = new LayerNorm2d(2, eps: 0);
        // Two positions, channels (1, 3) and (0, 4): both mean 2, variances 1 and 4 (biased), so both become (-1, 1).
        using var input = tensor(new float[] { 1, 0, 3, 4 }).reshape(1, 2, 1, 2);
        using var output = norm.call(input);

        Assert.Equal([1L, 2, 1, 2], output.shape);
        var expected = tensor(new float[] { -1, -1, 1, 1 }).reshape(1, 2, 1, 2);
        Assert.True(output.allclose(expected, rtol: 0, atol: 1e-6));
        Assert.Equal(["weight", "bias"], norm.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void LayerNorm2d_and_the_block_hand_on_contiguous_maps()
    {
        // A convolution follows both, and ATen's convolution (oneDNN off) is 8-12x slower on a channels-last input:
        // the outputs must not inherit the channels-last layout of their internal permutes.
        torch.manual_seed(3);
        using var norm = new LayerNorm2d(8);
        using var block = new ConvNeXtBlock(8, layerScaleInit: 1e-6, dropPathRate: 0);
        using var input = randn(2, 8, 5, 5);

        using var normed = norm.call(input);
        using var blockOutput = block.call(input);

        Assert.True(normed.is_contiguous(), "LayerNorm2d's output is not contiguous");
        Assert.True(blockOutput.is_contiguous(), "ConvNeXtBlock's output is not contiguous");
    }

    [Fact]
    public void DropPath_zeroes_or_rescales_whole_samples_in_training_only()
    {
        torch.manual_seed(5);
        using var dropPath = new DropPath(0.5);
        using var input = ones(2000, 3, 2, 2);

        dropPath.train();
        using var output = dropPath.call(input);
        // Each sample is all 0 or all 1 / (1 - 0.5) = 2.
        var perSampleMin = output.amin([1, 2, 3]);
        var perSampleMax = output.amax([1, 2, 3]);
        Assert.True(perSampleMin.eq(perSampleMax).all().item<bool>());
        Assert.True((perSampleMin.eq(0) | perSampleMin.eq(2)).all().item<bool>());
        // About half are kept: 1000 +- 5 standard deviations (sqrt(2000 * 0.25) ~ 22).
        var kept = perSampleMin.eq(2).sum().item<long>();
        Assert.InRange(kept, 890, 1110);

        dropPath.eval();
        using var evalOutput = dropPath.call(input);
        Assert.True(evalOutput.eq(input).all().item<bool>());
    }

    [Fact]
    public void DropPath_rejects_rates_outside_0_to_1()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(-0.1));
    }
}
