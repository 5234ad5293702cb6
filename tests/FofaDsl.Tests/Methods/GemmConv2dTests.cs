using FofaDsl.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods;

/// <summary>GemmConv2d computes what conv2d computes (values and gradients), for every shape FOFA's blocks use.</summary>
[Collection(TorchCollection.Name)]
public sealed class GemmConv2dTests
{
    [Theory]
    [InlineData(8, 8, 1, 0, 1)]     // pointwise
    [InlineData(8, 8, 1, 0, 4)]     // grouped pointwise (the prompt block's in and out)
    [InlineData(16, 8, 1, 0, 1)]    // the fusion block's reduce
    [InlineData(8, 8, 5, 2, 1)]     // the fusion block's spatial 5x5
    [InlineData(8, 8, 5, 2, 8)]     // depthwise 5x5 (the prompt block)
    [InlineData(6, 4, 3, 1, 2)]     // grouped 3x3
    [InlineData(4, 6, 3, 0, 1)]     // no padding: the map shrinks
    [InlineData(8, 2, 1, 0, 1)]     // the squeeze-excitation's compress on a 1x1 map
    public void Values_and_gradients_equal_conv2d_in_double_precision(int inChannels, int outChannels, int kernel, int padding, int groups)
    {
        torch.manual_seed(1);
        using var gemm = new GemmConv2d(inChannels, outChannels, kernel, padding, groups);
        gemm.to(float64);
        var side = outChannels == 2 ? 1 : 5;
        var input = randn(3, inChannels, side, side + 1, dtype: float64, requires_grad: true);
        var weight = gemm.Weight.detach().clone().requires_grad_(true);
        var bias = gemm.Bias!.detach().clone().requires_grad_(true);

        var expected = nn.functional.conv2d(input, weight, bias, padding: [padding, padding], groups: groups);
        var actual = gemm.call(input);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.allclose(actual, rtol: 1e-12, atol: 1e-12), "forward differs from conv2d");

        var upstream = randn(expected.shape, dtype: float64);
        var (inputGrad, weightGrad, biasGrad) = Gradients(expected, upstream, input, weight, bias);
        var (gemmInputGrad, gemmWeightGrad, gemmBiasGrad) = Gradients(actual, upstream, input, gemm.Weight, gemm.Bias!);
        Assert.True(inputGrad.allclose(gemmInputGrad, rtol: 1e-12, atol: 1e-12), "input gradient differs");
        Assert.True(weightGrad.allclose(gemmWeightGrad, rtol: 1e-12, atol: 1e-12), "weight gradient differs");
        Assert.True(biasGrad.allclose(gemmBiasGrad, rtol: 1e-12, atol: 1e-12), "bias gradient differs");
    }

    [Theory]
    [InlineData(3, 7, 7, 7, 7, 7)]   // a patch embedding: kernel = stride (RAA's projectors)
    [InlineData(4, 6, 2, 3, 2, 3)]   // rectangular patches
    [InlineData(2, 5, 3, 3, 2, 2)]   // overlapping, strided
    public void Strided_kernels_equal_conv2d_in_double_precision(int inChannels, int outChannels, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
    {
        torch.manual_seed(2);
        using var gemm = new GemmConv2d(inChannels, outChannels, (kernelHeight, kernelWidth), (strideHeight, strideWidth));
        gemm.to(float64);
        var input = randn(2, inChannels, 14, 12, dtype: float64, requires_grad: true);

        var expected = nn.functional.conv2d(input, gemm.Weight, gemm.Bias, strides: [strideHeight, strideWidth]);
        var actual = gemm.call(input);

        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.allclose(actual, rtol: 1e-12, atol: 1e-12), "forward differs from conv2d");
        var upstream = randn(expected.shape, dtype: float64);
        var expectedGrads = torch.autograd.grad([expected], [input, gemm.Weight], [upstream]);
        var actualGrads = torch.autograd.grad([actual], [input, gemm.Weight], [upstream]);
        Assert.True(expectedGrads[0].allclose(actualGrads[0], rtol: 1e-12, atol: 1e-12), "input gradient differs");
        Assert.True(expectedGrads[1].allclose(actualGrads[1], rtol: 1e-12, atol: 1e-12), "weight gradient differs");
    }

    [Theory]
    [InlineData(false)] // a dense 5x5, as the fusion block's
    [InlineData(true)]  // depthwise on a map too large for the matrix product
    public void A_batch_convolved_a_slice_at_a_time_gives_conv2ds_values_and_gradients(bool depthwise)
    {
        torch.manual_seed(3);
        const int Channels = 8;
        var groups = depthwise ? Channels : 1;
        // A budget of two images' unfolded input: 7 images go through in slices of 2, 2, 2 and 1.
        var columnBytesPerImage = (long)Channels / groups * 25 * 9 * 10 * sizeof(double);
        using var sliced = new GemmConv2d(Channels, Channels, 5, padding: 2, groups: groups) { ColumnBudgetBytes = 2 * columnBytesPerImage };
        sliced.to(float64);
        var input = randn(7, Channels, 9, 10, dtype: float64, requires_grad: true);
        Assert.Equal(2, sliced.ImagesPerSlice(input));

        var expected = nn.functional.conv2d(input, sliced.Weight, sliced.Bias, padding: [2, 2], groups: groups);
        var actual = sliced.call(input);

        Assert.True(expected.allclose(actual, rtol: 1e-12, atol: 1e-12), "forward differs from conv2d");
        var upstream = randn(expected.shape, dtype: float64);
        var expectedGrads = torch.autograd.grad([expected], [input, sliced.Weight, sliced.Bias!], [upstream]);
        var actualGrads = torch.autograd.grad([actual], [input, sliced.Weight, sliced.Bias!], [upstream]);
        for (var i = 0; i < 3; i++)
            Assert.True(expectedGrads[i].allclose(actualGrads[i], rtol: 1e-12, atol: 1e-12), $"gradient {i} differs");
    }

    [Fact]
    public void Parameters_keep_conv2ds_names_shapes_and_initial_values()
    {
        torch.manual_seed(5);
        using var conv = nn.Conv2d(8, 8, 5, padding: 2, groups: 8);
        torch.manual_seed(5);
        using var gemm = new GemmConv2d(8, 8, 5, 2, 8);

        Assert.Equal(["weight", "bias"], gemm.state_dict().Keys);
        Assert.True(conv.weight!.eq(gemm.Weight).all().item<bool>());
        Assert.True(conv.bias!.eq(gemm.Bias!).all().item<bool>());
    }

    private static (Tensor Input, Tensor Weight, Tensor Bias) Gradients(Tensor output, Tensor upstream, Tensor input, Tensor weight, Tensor bias)
    {
        var grads = torch.autograd.grad([output], [input, weight, bias], [upstream]);
        return (grads[0], grads[1], grads[2]);
    }
}
