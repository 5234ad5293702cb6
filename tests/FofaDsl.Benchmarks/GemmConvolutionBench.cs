using System.Globalization;
using FofaDsl.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Benchmarks;

/// <summary>
/// <c>bench gemm-conv</c>: forward + backward of ATen's convolution (oneDNN off, as FofaDsl runs it) against
/// <see cref="GemmConv2d"/> (one GEMM over the batch) on the shapes of FOFA's blocks and of the quickstart student.
/// </summary>
internal static class GemmConvolutionBench
{
    public static void Run(int rounds)
    {
        var shapes = new (string Name, int Batch, int In, int Out, int Kernel, int Padding, int Groups, int Size)[]
        {
            ("fusion 5x5, 96 ch, 4x4", 128, 96, 96, 5, 2, 1, 4),
            ("prompt depthwise 5x5, 96 ch, 4x4", 128, 96, 96, 5, 2, 96, 4),
            ("prompt grouped 1x1 (4 groups), 96 ch, 4x4", 128, 96, 96, 1, 0, 4, 4),
            ("student 3x3, 8 ch, 28x28", 128, 8, 8, 3, 1, 1, 28),
            ("student 3x3, 16 ch, 14x14", 128, 16, 16, 3, 1, 1, 14),
            ("student 3x3, 32 ch, 7x7", 128, 32, 32, 3, 1, 1, 7),
            ("fusion 5x5, 384 ch, 14x14 (224-pixel teacher)", 8, 384, 384, 5, 2, 1, 14),
        };
        Console.WriteLine($"| convolution, forward + backward | ATen ms | GemmConv2d ms | ratio | ({rounds} interleaved rounds, medians)");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var s in shapes)
        {
            torch.manual_seed(0);
            using var conv = nn.Conv2d(s.In, s.Out, s.Kernel, padding: s.Padding, groups: s.Groups);
            using var gemm = new GemmConv2d(s.In, s.Out, s.Kernel, s.Padding, s.Groups);
            var input = randn(s.Batch, s.In, s.Size, s.Size);
            Action Pass(nn.Module<Tensor, Tensor> module) => () =>
            {
                using var scope = NewDisposeScope();
                var x = input.detach().requires_grad_(true);
                module.call(x).sum().backward();
            };
            var (aten, ours) = Measurement.InterleavedMedians(Pass(conv), Pass(gemm), rounds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Name} | {aten:F2} | {ours:F2} | {ours / aten:F2}x |"));
        }
        Console.WriteLine();
        InputLayout(rounds);
    }

    /// <summary>
    /// ATen's convolution (oneDNN off) on a contiguous input against the same values in channels-last memory, the layout
    /// a permute back from <c>[B, H, W, C]</c> or a token teacher's <c>[B, N, C]</c> viewed as a map leaves behind.
    /// Why ConvNeXtBlock, LayerNorm2d and GemmConv2d hand on contiguous maps.
    /// </summary>
    private static void InputLayout(int rounds)
    {
        var shapes = new (string Name, int Batch, int Channels, int Kernel, int Groups, int Size)[]
        {
            ("ConvNeXt-T depthwise 7x7, 96 ch, 56x56", 8, 96, 7, 96, 56),
            ("ConvNeXt-T depthwise 7x7, 384 ch, 14x14", 8, 384, 7, 384, 14),
            ("FOFA prompt depthwise 5x5, 384 ch, 14x14", 8, 384, 5, 384, 14),
            ("FOFA fusion 5x5, 96 ch, 4x4", 128, 96, 5, 1, 4),
        };
        Console.WriteLine($"| ATen convolution, forward + backward | contiguous input ms | channels-last input ms | ratio | ({rounds} interleaved rounds, medians)");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var s in shapes)
        {
            torch.manual_seed(0);
            using var weight = randn(s.Channels, s.Channels / s.Groups, s.Kernel, s.Kernel).requires_grad_(true);
            using var contiguous = randn(s.Batch, s.Channels, s.Size, s.Size);
            using var channelsLast = contiguous.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
            Action Pass(Tensor input) => () =>
            {
                using var scope = NewDisposeScope();
                var x = input.detach().requires_grad_(true);
                nn.functional.conv2d(x, weight, padding: [s.Kernel / 2, s.Kernel / 2], groups: s.Groups).sum().backward();
            };
            var (plain, permuted) = Measurement.InterleavedMedians(Pass(contiguous), Pass(channelsLast), rounds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Name} | {plain:F2} | {permuted:F2} | {permuted / plain:F2}x |"));
        }
        Console.WriteLine();
    }
}
