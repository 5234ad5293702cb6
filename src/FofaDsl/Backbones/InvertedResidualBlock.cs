using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's MobileNetV2 inverted residual (<c>InvertedResidual</c>, arch code <c>ir</c>): pointwise
/// expansion (<c>conv_pw</c>, <c>bn1</c>, ReLU6), depthwise 3x3 (<c>conv_dw</c>, <c>bn2</c>, ReLU6) and a
/// linear pointwise projection (<c>conv_pwl</c>, <c>bn3</c>). The residual is added when the stride is 1
/// and the width is kept. Parameter names match timm's.
/// </summary>
public sealed class InvertedResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_pw;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv_dw;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv_pwl;
    private readonly BatchNorm2d bn3;

    /// <summary>
    /// Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/> whose hidden
    /// width is <paramref name="inChannels"/> times <paramref name="expansion"/>, rounded to a multiple of 8.
    /// </summary>
    public InvertedResidualBlock(int inChannels, int outChannels, int stride, double expansion) : base(nameof(InvertedResidualBlock))
    {
        var hidden = ChannelRounding.MakeDivisible(inChannels * expansion);
        conv_pw = nn.Conv2d(inChannels, hidden, kernel_size: 1, bias: false);
        bn1 = nn.BatchNorm2d(hidden);
        conv_dw = nn.Conv2d(hidden, hidden, kernel_size: 3, stride: stride, padding: 1, groups: hidden, bias: false);
        bn2 = nn.BatchNorm2d(hidden);
        conv_pwl = nn.Conv2d(hidden, outChannels, kernel_size: 1, bias: false);
        bn3 = nn.BatchNorm2d(outChannels);
        HiddenChannels = hidden;
        HasResidual = stride == 1 && inChannels == outChannels;
        RegisterComponents();
    }

    /// <summary>Width of the expanded representation.</summary>
    public int HiddenChannels { get; }

    /// <summary>Whether the input is added to the output.</summary>
    public bool HasResidual { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu6(bn1.call(conv_pw.call(input)));
        x = nn.functional.relu6(bn2.call(conv_dw.call(x)));
        x = bn3.call(conv_pwl.call(x));
        if (HasResidual) x = x + input;
        return x.MoveToOuterDisposeScope();
    }
}
