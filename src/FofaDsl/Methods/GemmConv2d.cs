using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods;

/// <summary>
/// A 2-D convolution computed as one matrix product over the whole batch's unfolded patches, or, depthwise,
/// as a weighted sum of them: the same arithmetic as <see cref="Conv2d"/>, with its parameters, state-dict names
/// (<c>weight</c>, <c>bias</c>) and initialisation. Overlapping kernels (stride 1, k &gt; 1) are left to ATen's
/// convolution, which is as fast there and needs less memory; the self-check probes them (<see cref="Platform.IConvolutionShaped"/>).
/// </summary>
/// <remarks>
/// FOFA's prompt, fusion, squeeze-excitation and aligner blocks apply pointwise (often grouped) convolutions to the
/// teacher's small late-stage maps, and RAA's projectors are patch embeddings (kernel = stride). With oneDNN's
/// convolutions off (they are wrong on some CPUs, Platform/LibTorchContext), ATen runs these as im2col and one small GEMM
/// per sample and per group, so the loop, not the arithmetic, is the cost. Here each is one GEMM over the whole batch
/// (a grouped 1x1 on 128 x 96 x 4 x 4: 1.3 ms against ATen's 7.0 ms forward and backward, <c>bench gemm-conv</c>).
/// </remarks>
internal sealed class GemmConv2d : nn.Module<Tensor, Tensor>, Platform.IConvolutionShaped
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    /// <summary>Like <c>nn.Conv2d(inChannels, outChannels, kernelSize, padding: padding, groups: groups, bias: bias)</c>.</summary>
    public GemmConv2d(int inChannels, int outChannels, int kernelSize, int padding = 0, int groups = 1, bool bias = true)
        : this(inChannels, outChannels, (kernelSize, kernelSize), (1, 1), padding, groups, bias)
    {
    }

    /// <summary>Like <c>nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, groups: groups, bias: bias)</c>.</summary>
    public GemmConv2d(int inChannels, int outChannels, (int Height, int Width) kernel, (int Height, int Width) stride,
        int padding = 0, int groups = 1, bool bias = true)
        : base(nameof(GemmConv2d))
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{groups} groups must divide {inChannels} input and {outChannels} output channels.", nameof(groups));
        (InChannels, OutChannels, Kernel, Stride, Padding, Groups) = (inChannels, outChannels, kernel, stride, padding, groups);
        // nn.Conv2d's own initialisation, drawing from the generator exactly as nn.Conv2d does.
        using var template = nn.Conv2d(inChannels, outChannels, (kernel.Height, kernel.Width), stride: (stride.Height, stride.Width),
            padding: (padding, padding), groups: groups, bias: bias);
        weight = nn.Parameter(template.weight!.detach().clone());
        if (bias) this.bias = nn.Parameter(template.bias!.detach().clone());
        RegisterComponents();
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel height and width.</summary>
    public (int Height, int Width) Kernel { get; }

    /// <summary>Vertical and horizontal stride.</summary>
    public (int Height, int Width) Stride { get; }

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; }

    /// <summary>Channel groups (equal to the channels: depthwise).</summary>
    public int Groups { get; }

    /// <summary>The kernel, <c>[out, in / groups, k, k]</c> as in <see cref="Conv2d"/>.</summary>
    public Parameter Weight => weight;

    /// <summary>The bias, when there is one.</summary>
    public Parameter? Bias => bias;

    /// <summary>Whether this kernel runs on ATen's convolution (stride 1, larger than 1x1) rather than one GEMM.</summary>
    internal bool UsesAtenConvolution => Stride == (1, 1) && Kernel != (1, 1);

    /// <summary>Whether this kernel is depthwise at stride 1, which small maps compute as one matrix product (<see cref="Backbones.DepthwiseConvolution"/>).</summary>
    private bool IsStrideOneDepthwise => UsesAtenConvolution && Groups == InChannels && Groups == OutChannels;

    private bool UsesDepthwiseMatrix(long height, long width) => IsStrideOneDepthwise && Backbones.DepthwiseConvolution.Suits(height, width);

    /// <inheritdoc />
    public Platform.ConvolutionShape? ConvolutionShapeFor(IReadOnlyList<long> inputShape) => UsesAtenConvolution && !UsesDepthwiseMatrix(inputShape[^2], inputShape[^1])
        ? new Platform.ConvolutionShape(InChannels, OutChannels, [Kernel.Height, Kernel.Width], [1, 1], [Padding, Padding], [1, 1], Groups,
            [checked((int)inputShape[^2]), checked((int)inputShape[^1])])
        : null;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        // The prompt's depthwise 5x5 on a small map is one batched matrix product (DepthwiseConvolution). Other overlapping
        // kernels (the fusion block's 5x5, depthwise on larger maps) go to ATen's convolution: as fast here (bench
        // gemm-conv) and it keeps no unfolded copy of the input for the backward pass. Pointwise, grouped pointwise and
        // patch kernels are reshapes and one GEMM, where ATen's per-sample loop is the cost.
        if (UsesDepthwiseMatrix(input.shape[2], input.shape[3]))
            return Backbones.DepthwiseConvolution.Apply(input, weight, bias, Padding);
        // Contiguous first: a ViT teacher's tokens come here as a channels-last view of [B, N, C], and ATen's convolution
        // runs depthwise kernels 5-12x slower on that layout than on a copy (bench gemm-conv).
        if (UsesAtenConvolution) return AtenConvolution(input.contiguous());
        using var scope = NewDisposeScope();
        var (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3]);
        var outHeight = (height + 2 * Padding - Kernel.Height) / Stride.Height + 1;
        var outWidth = (width + 2 * Padding - Kernel.Width) / Stride.Width + 1;
        var positions = outHeight * outWidth;
        var patch = (long)InChannels / Groups * Kernel.Height * Kernel.Width;
        // [batch, groups, (in / groups) * kh * kw, positions]: each group's patches, one column per output position.
        var columns = Kernel == (1, 1) && Stride == (1, 1) && Padding == 0
            ? input.reshape(batch, Groups, patch, positions)
            : nn.functional.unfold(input, (Kernel.Height, Kernel.Width), padding: (Padding, Padding), stride: (Stride.Height, Stride.Width))
                .reshape(batch, Groups, patch, positions);
        Tensor output;
        if (Groups == InChannels && Groups == OutChannels)
        {
            // Depthwise: each channel's k*k taps times its patches, summed; no product of 1-row matrices.
            output = (columns * weight.reshape(1, Groups, patch, 1)).sum(2).reshape(batch, OutChannels, outHeight, outWidth);
        }
        else
        {
            // The batch goes into the product's columns: one [out/g x patch] x [patch x batch*positions] product per group
            // instead of batch x groups skinny ones (a late stage has 16 to 196 positions per image).
            var wide = columns.permute(1, 2, 0, 3).reshape(Groups, patch, batch * positions);
            output = weight.reshape(Groups, OutChannels / Groups, patch).matmul(wide)
                .reshape(OutChannels, batch, positions).permute(1, 0, 2).reshape(batch, OutChannels, outHeight, outWidth);
        }
        if (bias is not null) output = output + bias.reshape(1, OutChannels, 1, 1);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Most bytes of unfolded input ATen's convolution may hold at once (a slice of the batch at a time).</summary>
    internal const long MaxColumnBytes = 64L << 20;

    /// <summary>This layer's bound on unfolded input, <see cref="MaxColumnBytes"/> unless a test sets a smaller one.</summary>
    internal long ColumnBudgetBytes { get; init; } = MaxColumnBytes;

    /// <summary>How many images of <paramref name="input"/> ATen's convolution takes at once (at least 1; all on a GPU).</summary>
    internal long ImagesPerSlice(Tensor input)
    {
        // cuDNN does not unfold, and slices would only cost it parallelism.
        if (input.device_type != DeviceType.CPU) return input.shape[0];
        var columnBytesPerImage = (long)InChannels / Groups * Kernel.Height * Kernel.Width * input.shape[2] * input.shape[3] * input.ElementSize;
        return Math.Max(1L, ColumnBudgetBytes / Math.Max(1L, columnBytesPerImage));
    }

    /// <summary>
    /// ATen's convolution, on the CPU a slice of the batch at a time: with oneDNN off it unfolds the whole batch's input before the
    /// first product (im2col), 240 MiB for the fusion block's 5x5 on the 224-pixel teacher's first stage (96 x 56 x 56,
    /// batch 8), and once more in the backward pass. Slices bound that to <see cref="ColumnBudgetBytes"/>; ATen computes
    /// each image on its own anyway, so the values are the same (the weight gradient adds the slices' sums).
    /// </summary>
    private Tensor AtenConvolution(Tensor input)
    {
        var imagesPerSlice = ImagesPerSlice(input);
        if (imagesPerSlice >= input.shape[0])
            return nn.functional.conv2d(input, weight, bias, padding: [Padding, Padding], groups: Groups);
        using var scope = NewDisposeScope();
        var slices = input.split(imagesPerSlice, 0)
            .Select(slice => nn.functional.conv2d(slice, weight, bias, padding: [Padding, Padding], groups: Groups)).ToArray();
        return cat(slices, 0).MoveToOuterDisposeScope();
    }
}
