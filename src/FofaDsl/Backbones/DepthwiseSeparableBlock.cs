using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's depthwise-separable block (<c>DepthwiseSeparableConv</c>, arch code <c>ds</c>): depthwise
/// 3x3 convolution, batch norm, ReLU6, pointwise 1x1 convolution and batch norm without activation.
/// The residual is added when the stride is 1 and the width is kept. Parameter names match timm's.
/// </summary>
public sealed class DepthwiseSeparableBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_dw;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv_pw;
    private readonly BatchNorm2d bn2;

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/>; the depthwise convolution has stride <paramref name="stride"/>.</summary>
    public DepthwiseSeparableBlock(int inChannels, int outChannels, int stride) : base(nameof(DepthwiseSeparableBlock))
    {
        conv_dw = nn.Conv2d(inChannels, inChannels, kernel_size: 3, stride: stride, padding: 1, groups: inChannels, bias: false);
        bn1 = nn.BatchNorm2d(inChannels);
        conv_pw = nn.Conv2d(inChannels, outChannels, kernel_size: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        HasResidual = stride == 1 && inChannels == outChannels;
        RegisterComponents();
    }

    /// <summary>Whether the input is added to the output.</summary>
    public bool HasResidual { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu6(bn1.call(conv_dw.call(input)));
        x = bn2.call(conv_pw.call(x));
        if (HasResidual) x = x + input;
        return x.MoveToOuterDisposeScope();
    }
}
