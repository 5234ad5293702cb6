using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's MLP-Mixer block: a token-mixing MLP across the L tokens of each channel
/// (<c>mlp_tokens</c>, after <c>norm1</c>), then a channel MLP on each token
/// (<c>mlp_channels</c>, after <c>norm2</c>), each as a residual branch with stochastic depth.
/// </summary>
public sealed class MixerBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>LayerNorm epsilon of timm's Mixers.</summary>
    public const double LayerNormEpsilon = 1e-6;

    private readonly LayerNorm norm1;
    private readonly Mlp mlp_tokens;
    private readonly DropPath drop_path;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp_channels;

    /// <summary>
    /// Creates a block over <paramref name="tokens"/> tokens of width <paramref name="dim"/>, with
    /// hidden widths <paramref name="tokenHiddenDim"/> (token MLP) and <paramref name="channelHiddenDim"/> (channel MLP).
    /// </summary>
    public MixerBlock(int dim, int tokens, int tokenHiddenDim, int channelHiddenDim, double dropPathRate) : base(nameof(MixerBlock))
    {
        norm1 = nn.LayerNorm(dim, eps: LayerNormEpsilon);
        mlp_tokens = new Mlp(tokens, tokenHiddenDim);
        drop_path = new DropPath(dropPathRate);
        norm2 = nn.LayerNorm(dim, eps: LayerNormEpsilon);
        mlp_channels = new Mlp(dim, channelHiddenDim);
        RegisterComponents();
    }

    /// <summary>Tokens <c>[B, L, D]</c> to tokens of the same shape.</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        // The token MLP acts on the L axis, so channels move to the middle and back.
        var mixedTokens = mlp_tokens.call(norm1.call(tokens).transpose(1, 2)).transpose(1, 2);
        var x = tokens + drop_path.call(mixedTokens);
        x = x + drop_path.call(mlp_channels.call(norm2.call(x)));
        return x.MoveToOuterDisposeScope();
    }
}
