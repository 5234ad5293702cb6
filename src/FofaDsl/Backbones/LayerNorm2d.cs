using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's <c>LayerNorm2d</c>: layer norm over the channels of a <c>[B, C, H, W]</c> map, at every
/// position. Parameters are <c>weight</c> and <c>bias</c>, as in timm.
/// </summary>
public sealed class LayerNorm2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double eps;

    /// <summary>Creates the norm over <paramref name="channels"/> channels (scale 1, shift 0).</summary>
    public LayerNorm2d(int channels, double eps = 1e-6) : base(nameof(LayerNorm2d))
    {
        weight = nn.Parameter(ones(channels));
        bias = nn.Parameter(zeros(channels));
        this.eps = eps;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        // Channels last for layer_norm over the last dimension, then back.
        var channelsLast = input.permute(0, 2, 3, 1);
        var normed = nn.functional.layer_norm(channelsLast, [weight.shape[0]], weight, bias, eps);
        // Contiguous again: a convolution follows (ConvNeXt's stem and downsampling), and ATen's convolution (oneDNN off)
        // is several times slower on a channels-last input than the copy costs.
        return normed.permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }
}
