using FofaDsl.Platform;

namespace FofaDsl.Tests.Platform;

/// <summary>
/// Float32 against float64, forward and backward, over the convolution shapes the oneDNN defect hit and their
/// neighbours: channel counts 1..160 (stems from 1 and 3 channels too), kernels 1, 3, 5, 7, strides 1 and 2, grouped and
/// depthwise. On an affected CPU without the workaround, many of these fail (e.g. 20, 24, 40 channels at kernel 3).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ConvolutionSweepTests
{
    public static TheoryData<int, int> KernelsAndStrides => new() { { 1, 1 }, { 1, 2 }, { 3, 1 }, { 3, 2 }, { 5, 1 }, { 5, 2 }, { 7, 1 }, { 7, 2 } };

    [Theory]
    [MemberData(nameof(KernelsAndStrides))]
    public void Every_channel_count_from_1_to_160_is_right(int kernel, int stride)
    {
        var shapes = Enumerable.Range(1, 160).SelectMany(c => new[]
        {
            ConvolutionShape.Square(c, c, kernel, stride, size: 8),
            ConvolutionShape.Square(1, c, kernel, stride, size: 8),
            ConvolutionShape.Square(3, c, kernel, stride, size: 8),
        });

        AssertAllRight(ConvolutionProbe.Check(shapes));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void Depthwise_and_grouped_convolutions_are_right(int kernel)
    {
        var shapes = Enumerable.Range(1, 160).SelectMany(c => new[] { ConvolutionShape.Square(c, c, kernel, 1, size: 8, groups: c) })
            .Concat(Enumerable.Range(1, 40).Select(g => 4 * g).SelectMany(c => new[]
            {
                ConvolutionShape.Square(c, c, kernel, 2, size: 8, groups: c),
                ConvolutionShape.Square(c, c, kernel, 1, size: 8, groups: 4),
                ConvolutionShape.Square(c, 2 * c, kernel, 1, size: 8, groups: 2),
            }));

        AssertAllRight(ConvolutionProbe.Check(shapes));
    }

    [Fact]
    public void The_reported_shapes_are_right_at_larger_sizes_and_batches()
    {
        // The rows the defect report measured wrong (channels 20, 24, 40, 56, 72 at 8x8, 14x14 and 28x28).
        var shapes = new[] { 20, 24, 40, 56, 72 }.SelectMany(c => new[] { 3, 5 }.SelectMany(k => new[] { 8, 14, 28 }.Select(size => ConvolutionShape.Square(c, c, k, 1, size))));

        AssertAllRight(ConvolutionProbe.Check(shapes));
    }

    [Fact]
    public void Padding_modes_dilation_and_other_dimensions_are_probed_as_the_layer_computes_them()
    {
        var shapes = new[]
        {
            new ConvolutionShape(6, 10, [3, 3], [1, 1], [2, 2], [2, 2], 1, [9, 9]),
            new ConvolutionShape(6, 10, [3, 3], [1, 1], [1, 1], [1, 1], 1, [9, 9], TorchSharp.PaddingModes.Reflect),
            new ConvolutionShape(6, 10, [4, 4], [1, 1], [0, 0], [1, 1], 1, [9, 9], SamePadding: true),
            new ConvolutionShape(6, 10, [5], [2], [2], [1], 2, [17]),
            new ConvolutionShape(4, 6, [3, 3, 3], [1, 1, 1], [1, 1, 1], [1, 1, 1], 1, [5, 5, 5]),
        };

        AssertAllRight(ConvolutionProbe.Check(shapes));
    }

    private static void AssertAllRight(ConvolutionCheckReport report)
    {
        Assert.NotEmpty(report.Results);
        Assert.True(report.AllRight, $"{report.Wrong.Count} of {report.Results.Count} shapes wrong on {CpuIdentity.Current}:\n{string.Join("\n", report.Wrong.Take(20))}");
    }
}
