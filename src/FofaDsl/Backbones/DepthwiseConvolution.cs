using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// A stride-1 depthwise convolution on a small map computed as one batched matrix product: each channel's kernel becomes
/// the <c>[positions x positions]</c> matrix that maps its input map to its output map (zero padding is the taps that
/// fall outside), and all channels and images go through one <c>bmm</c>.
/// </summary>
/// <remarks>
/// With oneDNN's convolutions off (they are wrong on some CPUs, Platform/TorchRuntime), ATen convolves a depthwise kernel
/// image by image and channel by channel, so on a small map the loop is the cost: FOFA's 5x5 prompt kernel on the
/// quickstart teacher's 4x4 tokens (batch 128, 96 channels) took 42 ms forward and backward, this 1.5 ms; ConvNeXt's 7x7
/// on its last 7x7 stage 68 ms against 23 ms. The matrix grows with the square of the positions, so from
/// <see cref="MaxPositions"/> up ATen is faster (at 14x14 it is 3x faster) and callers keep it (bench gemm-conv).
/// </remarks>
internal static class DepthwiseConvolution
{
    /// <summary>Largest map (height x width) computed as a matrix product; larger maps stay on ATen's convolution.</summary>
    public const int MaxPositions = 64;

    private static readonly ConcurrentDictionary<(long Height, long Width, long KernelHeight, long KernelWidth, long Padding, TorchSharp.DeviceType DeviceType, int DeviceIndex), Tensor> TapCache = new();

    /// <summary>Whether <see cref="Apply"/> takes a map of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static bool Suits(long height, long width) => height * width <= MaxPositions;

    /// <summary>
    /// <c>conv2d(input, weight, bias, padding, groups: channels)</c> at stride 1 for <c>weight</c> of shape
    /// <c>[channels, 1, kh, kw]</c>, by one batched matrix product (<see cref="Suits"/> says for which maps).
    /// </summary>
    public static Tensor Apply(Tensor input, Tensor weight, Tensor? bias, long padding)
    {
        using var scope = NewDisposeScope();
        var (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3]);
        var (kernelHeight, kernelWidth) = (weight.shape[2], weight.shape[3]);
        var outHeight = height + 2 * padding - kernelHeight + 1;
        var outWidth = width + 2 * padding - kernelWidth + 1;
        var taps = Taps(height, width, kernelHeight, kernelWidth, padding, input.device);
        // Each channel's taps plus a zero for the positions the kernel does not reach, gathered into its matrix.
        var kernel = cat([weight.reshape(channels, kernelHeight * kernelWidth), zeros(channels, 1, dtype: weight.dtype, device: weight.device)], 1);
        var matrices = kernel.index_select(1, taps).reshape(channels, outHeight * outWidth, height * width);
        // [channels, batch, in] x [channels, in, out] -> [channels, batch, out].
        var output = input.reshape(batch, channels, height * width).transpose(0, 1).bmm(matrices.transpose(1, 2))
            .transpose(0, 1).reshape(batch, channels, outHeight, outWidth);
        if (bias is not null) output = output + bias.reshape(1, channels, 1, 1);
        return output.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// For every (output position, input position) pair, the index of the kernel tap that links them, or
    /// <c>kh * kw</c> (the appended zero) where none does. Built once per geometry and device.
    /// </summary>
    private static Tensor Taps(long height, long width, long kernelHeight, long kernelWidth, long padding, Device device) =>
        TapCache.GetOrAdd((height, width, kernelHeight, kernelWidth, padding, device.type, device.index), key =>
        {
            var outHeight = key.Height + 2 * key.Padding - key.KernelHeight + 1;
            var outWidth = key.Width + 2 * key.Padding - key.KernelWidth + 1;
            var none = key.KernelHeight * key.KernelWidth;
            var indices = new long[outHeight * outWidth * key.Height * key.Width];
            var next = 0;
            for (var outY = 0L; outY < outHeight; outY++)
            for (var outX = 0L; outX < outWidth; outX++)
            for (var inY = 0L; inY < key.Height; inY++)
            for (var inX = 0L; inX < key.Width; inX++)
            {
                var (tapY, tapX) = (inY - outY + key.Padding, inX - outX + key.Padding);
                indices[next++] = tapY >= 0 && tapY < key.KernelHeight && tapX >= 0 && tapX < key.KernelWidth ? tapY * key.KernelWidth + tapX : none;
            }
            return tensor(indices, device: device).DetachFromDisposeScope();
        });
}
