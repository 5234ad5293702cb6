using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Platform;

/// <summary>
/// Computes a convolution shape in float32 and in float64 on the same random data, forward and backward (the
/// gradients of input, weight and bias), and reports how far float32 is from float64: a defective kernel shows as
/// NaN or an error far above float32 rounding. Uses its own random generator, so the global random streams (and so
/// a run's numbers) are not touched.
/// </summary>
public static class ConvolutionProbe
{
    /// <summary>
    /// Largest accepted error, relative to the largest float64 value of the same tensor. Float32 rounding over these
    /// sums stays below 1e-5 (over the 4,301 shapes of the 1..160-channel sweep, kernels up to 7, at most 1.2e-6 was measured); a wrong kernel
    /// misses by far more (NaN, or a whole missing channel's share).
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>Probes every shape on <paramref name="device"/> (batch 2) and reports them all.</summary>
    public static ConvolutionCheckReport Check(IEnumerable<ConvolutionShape> shapes, Device? device = null, long seed = 0)
    {
        var clock = Stopwatch.StartNew();
        using var generator = new Generator((ulong)seed, device ?? CPU);
        var results = shapes.Distinct().Select(shape => Probe(shape, generator, device ?? CPU)).ToList();
        return new ConvolutionCheckReport(results, clock.Elapsed);
    }

    /// <summary>Probes one shape (batch 2).</summary>
    public static ConvolutionProbeResult Probe(ConvolutionShape shape, Device? device = null, long seed = 0)
    {
        using var generator = new Generator((ulong)seed, device ?? CPU);
        return Probe(shape, generator, device ?? CPU);
    }

    private static ConvolutionProbeResult Probe(ConvolutionShape shape, Generator generator, Device device)
    {
        using var scope = NewDisposeScope();
        using var enabled = enable_grad();
        long[] kernel = [.. shape.Kernel.Select(k => (long)k)];
        var fanIn = shape.InChannels / shape.Groups * kernel.Aggregate(1L, (a, b) => a * b);
        var input64 = randn([2, shape.InChannels, .. shape.Input.Select(v => (long)v)], ScalarType.Float64, device, generator: generator);
        var weight64 = randn([shape.OutChannels, shape.InChannels / shape.Groups, .. kernel], ScalarType.Float64, device, generator: generator) / Math.Sqrt(fanIn);
        var bias64 = randn([shape.OutChannels], ScalarType.Float64, device, generator: generator);

        var reference = Run(shape, input64, weight64, bias64, generator, upstream: null);
        var single = Run(shape, input64.to(ScalarType.Float32), weight64.to(ScalarType.Float32), bias64.to(ScalarType.Float32), generator,
                         upstream: reference.Upstream.to(ScalarType.Float32));
        return new ConvolutionProbeResult(shape,
            RelativeError(single.Output, reference.Output),
            RelativeError(single.InputGradient, reference.InputGradient),
            RelativeError(single.WeightGradient, reference.WeightGradient),
            RelativeError(single.BiasGradient, reference.BiasGradient));
    }

    private sealed record Pass(Tensor Output, Tensor Upstream, Tensor InputGradient, Tensor WeightGradient, Tensor BiasGradient);

    /// <summary>Forward, then backward of <c>sum(output * upstream)</c> with a random upstream gradient drawn once (for float64).</summary>
    private static Pass Run(ConvolutionShape shape, Tensor input, Tensor weight, Tensor bias, Generator generator, Tensor? upstream)
    {
        input = input.detach().requires_grad_(true);
        weight = weight.detach().requires_grad_(true);
        bias = bias.detach().requires_grad_(true);
        var output = Convolve(shape, input, weight, bias);
        upstream ??= randn(output.shape, output.dtype, output.device, generator: generator);
        var gradients = autograd.grad([(output * upstream).sum()], [input, weight, bias]);
        return new Pass(output.detach(), upstream, gradients[0], gradients[1], gradients[2]);
    }

    /// <summary>The convolution as the layer computes it; padding other than zeros (or PyTorch's "same") is applied to the input first, as PyTorch does.</summary>
    internal static Tensor Convolve(ConvolutionShape shape, Tensor input, Tensor weight, Tensor bias)
    {
        var dimensions = shape.Kernel.Count;
        long[] padding = [.. shape.Padding.Select(p => (long)p)];
        if (shape.SamePadding || shape.PaddingMode != PaddingModes.Zeros)
        {
            // F.pad lists the last dimension first: (left, right) per dimension.
            var pads = new long[2 * dimensions];
            for (var d = 0; d < dimensions; d++)
            {
                var total = shape.SamePadding ? shape.Dilation[d] * (shape.Kernel[d] - 1) : 2 * shape.Padding[d];
                pads[2 * (dimensions - 1 - d)] = total / 2;
                pads[2 * (dimensions - 1 - d) + 1] = total - total / 2;
            }
            input = nn.functional.pad(input, pads, shape.PaddingMode == PaddingModes.Zeros ? PaddingModes.Constant : shape.PaddingMode);
            padding = new long[dimensions];
        }
        long[] stride = [.. shape.Stride.Select(s => (long)s)];
        long[] dilation = [.. shape.Dilation.Select(d => (long)d)];
        return dimensions switch
        {
            1 => nn.functional.conv1d(input, weight, bias, stride[0], padding[0], dilation[0], shape.Groups),
            2 => nn.functional.conv2d(input, weight, bias, stride, padding, dilation, shape.Groups),
            3 => nn.functional.conv3d(input, weight, bias, stride, padding, dilation, shape.Groups),
            _ => throw new ArgumentException($"A {dimensions}-d convolution cannot be probed.", nameof(shape)),
        };
    }

    /// <summary>max |actual - expected| / max |expected| (NaN when either has a NaN or an infinity).</summary>
    private static double RelativeError(Tensor actual, Tensor expected)
    {
        var difference = (actual.to(ScalarType.Float64) - expected).abs().max().item<double>();
        var scale = expected.abs().max().item<double>();
        if (!double.IsFinite(difference) || !double.IsFinite(scale)) return double.NaN;
        return difference / Math.Max(scale, 1e-30);
    }
}
