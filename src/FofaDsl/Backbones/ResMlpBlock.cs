using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's ResMLP block (<c>ResBlock</c>): a single linear layer across the L tokens
/// (<c>linear_tokens</c>, after the <see cref="Affine"/> <c>norm1</c>), then a channel MLP
/// (<c>mlp_channels</c>, after <c>norm2</c>); each residual branch is scaled per channel by a
/// learned layer scale (<c>ls1</c>, <c>ls2</c>) and dropped per sample by stochastic depth.
/// </summary>
public sealed class ResMlpBlock : nn.Module<Tensor, Tensor>
{
    private readonly Affine norm1;
    private readonly Linear linear_tokens;
    private readonly DropPath drop_path;
    private readonly Affine norm2;
    private readonly Mlp mlp_channels;
    private readonly Parameter ls1;
    private readonly Parameter ls2;

    /// <summary>
    /// Creates a block over <paramref name="tokens"/> tokens of width <paramref name="dim"/>, a channel
    /// MLP of <paramref name="channelHiddenDim"/> and layer scales starting at <paramref name="initLayerScale"/>.
    /// </summary>
    public ResMlpBlock(int dim, int tokens, int channelHiddenDim, double initLayerScale, double dropPathRate) : base(nameof(ResMlpBlock))
    {
        norm1 = new Affine(dim);
        linear_tokens = nn.Linear(tokens, tokens);
        drop_path = new DropPath(dropPathRate);
        norm2 = new Affine(dim);
        mlp_channels = new Mlp(dim, channelHiddenDim);
        ls1 = nn.Parameter(full(dim, initLayerScale));
        ls2 = nn.Parameter(full(dim, initLayerScale));
        RegisterComponents();
    }

    /// <summary>Tokens <c>[B, L, D]</c> to tokens of the same shape.</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        // The token layer acts on the L axis, so channels move to the middle and back.
        var mixedTokens = linear_tokens.call(norm1.call(tokens).transpose(1, 2)).transpose(1, 2);
        var x = tokens + drop_path.call(ls1 * mixedTokens);
        x = x + drop_path.call(ls2 * mlp_channels.call(norm2.call(x)));
        return x.MoveToOuterDisposeScope();
    }
}
