using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>timm's pre-norm ViT block: <c>x + attn(norm1(x))</c>, then <c>x + mlp(norm2(x))</c>.</summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>LayerNorm epsilon of timm's ViTs and DeiTs.</summary>
    public const double LayerNormEpsilon = 1e-6;

    private readonly LayerNorm norm1;
    private readonly MultiHeadSelfAttention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly DropPath drop_path;

    /// <summary>Creates a block of width <paramref name="dim"/> with <paramref name="heads"/> heads and an MLP of <paramref name="mlpHiddenDim"/>.</summary>
    public TransformerBlock(int dim, int heads, int mlpHiddenDim, double dropPathRate = 0) : base(nameof(TransformerBlock))
    {
        norm1 = nn.LayerNorm(dim, eps: LayerNormEpsilon);
        attn = new MultiHeadSelfAttention(dim, heads);
        norm2 = nn.LayerNorm(dim, eps: LayerNormEpsilon);
        mlp = new Mlp(dim, mlpHiddenDim);
        drop_path = new DropPath(dropPathRate);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var x = tokens + drop_path.call(attn.call(norm1.call(tokens)));
        x = x + drop_path.call(mlp.call(norm2.call(x)));
        return x.MoveToOuterDisposeScope();
    }
}
