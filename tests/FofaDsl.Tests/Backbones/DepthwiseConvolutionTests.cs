using FofaDsl.Backbones;
using FofaDsl.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Backbones;

/// <summary>The batched-matrix depthwise convolution computes what conv2d computes, values and gradients.</summary>
[Collection(TorchCollection.Name)]
public sealed class DepthwiseConvolutionTests
{
    [Theory]
    [InlineData(4, 4, 5, 5, 2, true)]   // FOFA's prompt kernel on a 4x4 token grid
    [InlineData(7, 7, 7, 7, 3, true)]   // ConvNeXt's last stage
    [InlineData(3, 5, 3, 3, 1, false)]  // a rectangular map, no bias
    [InlineData(8, 8, 3, 3, 0, true)]   // no padding: the map shrinks
    [InlineData(6, 5, 3, 5, 1, true)]   // a rectangular kernel
    [InlineData(1, 1, 3, 3, 1, true)]   // a single position: only the centre tap reaches it
    public void Values_and_gradients_equal_conv2d_in_double_precision(int height, int width, int kernelHeight, int kernelWidth, int padding, bool withBias)
    {
        torch.manual_seed(11);
        const int Channels = 6;
        var input = randn(3, Channels, height, width, dtype: float64, requires_grad: true);
        var weight = randn(Channels, 1, kernelHeight, kernelWidth, dtype: float64, requires_grad: true);
        var bias = withBias ? randn(Channels, dtype: float64, requires_grad: true) : null;

        var expected = nn.functional.conv2d(input, weight, bias, padding: [padding, padding], groups: Channels);
        var actual = DepthwiseConvolution.Apply(input, weight, bias, padding);

        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.is_contiguous());
        Assert.True(expected.allclose(actual, rtol: 1e-12, atol: 1e-12), "forward differs from conv2d");
        var upstream = randn(expected.shape, dtype: float64);
        Tensor[] leaves = bias is null ? [input, weight] : [input, weight, bias];
        var expectedGrads = torch.autograd.grad([expected], leaves, [upstream]);
        var actualGrads = torch.autograd.grad([actual], leaves, [upstream]);
        for (var i = 0; i < leaves.Length; i++)
            Assert.True(expectedGrads[i].allclose(actualGrads[i], rtol: 1e-12, atol: 1e-12), $"gradient {i} differs from conv2d's");
    }

    [Fact]
    public void Small_maps_take_the_matrix_product_and_larger_ones_stay_on_the_probed_convolution()
    {
        Assert.True(DepthwiseConvolution.Suits(8, 8));
        Assert.False(DepthwiseConvolution.Suits(9, 8));
        // The start-up self-check probes the shapes that run on ATen's convolution: a depthwise kernel on a small map does
        // not, on a larger map it does; a dense kernel always does.
        using var depthwise = new GemmConv2d(8, 8, 5, padding: 2, groups: 8);
        using var dense = new GemmConv2d(8, 8, 5, padding: 2);
        Assert.Null(depthwise.ConvolutionShapeFor([2, 8, 4, 4]));
        Assert.NotNull(depthwise.ConvolutionShapeFor([2, 8, 14, 14]));
        Assert.NotNull(dense.ConvolutionShapeFor([2, 8, 4, 4]));
    }

    [Fact]
    public void A_ConvNeXt_block_computes_the_same_on_a_small_map_as_with_its_convolution()
    {
        torch.manual_seed(12);
        using var block = new ConvNeXtBlock(8, layerScaleInit: 0.5, dropPathRate: 0);
        block.to(float64);
        var input = randn(2, 8, 7, 7, dtype: float64);
        var convolution = block.named_modules().Single(m => m.name == "conv_dw").module as TorchSharp.Modules.Conv2d;

        using var output = block.call(input);
        // The block's definition, with conv_dw as a convolution.
        var x = convolution!.call(input).permute(0, 2, 3, 1);
        var norm = (TorchSharp.Modules.LayerNorm)block.named_modules().Single(m => m.name == "norm").module;
        var mlp = (nn.Module<Tensor, Tensor>)block.named_modules().Single(m => m.name == "mlp").module;
        var gamma = block.named_parameters().Single(p => p.name == "gamma").parameter;
        var expected = input + (mlp.call(norm.call(x)) * gamma).permute(0, 3, 1, 2);

        Assert.True(expected.allclose(output, rtol: 1e-12, atol: 1e-12));
    }
}
