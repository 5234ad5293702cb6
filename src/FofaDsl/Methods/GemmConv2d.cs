using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Methods;

/// <summary>
/// A 2-D convolution computed as one matrix product over the whole batch's unfolded patches, or, depthwise,
/// as a weighted sum of them: the same arithmetic as <see cref="Conv2d"/>, with its parameters, state-dict names
/// (<c>weight</c>, <c>bias</c>) and initialisation. A dense overlapping kernel (groups 1, stride 1, k &gt; 1) is left to
/// ATen's convolution, which is faster there.
/// </summary>
/// <remarks>
/// FOFA's prompt and fusion blocks convolve the teacher's small late-stage maps (4x4 to 14x14 positions). With oneDNN's
/// convolutions off (they are wrong on some CPUs, Platform/LibTorchContext), ATen convolves by im2col and one small
/// GEMM per sample and per group, so a depthwise 5x5 over 96 channels is 96 x batch tiny products, and the loop, not the
/// arithmetic, is the cost. Here each is a single GEMM (or one multiply-and-sum), forward and backward, on any device.
/// </remarks>
internal sealed class GemmConv2d : nn.Module<Tensor, Tensor>
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

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        // A dense overlapping kernel (the fusion block's 5x5) is where ATen's own im2col loop is the faster of the two
        // (bench gemm-conv); grouped, depthwise, pointwise and patch kernels are where the loop overhead dominates.
        if (Groups == 1 && Stride == (1, 1) && Kernel != (1, 1))
            return nn.functional.conv2d(input, weight, bias, padding: [Padding, Padding]);
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
}
