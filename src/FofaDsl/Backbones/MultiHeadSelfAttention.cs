using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// timm's ViT attention: one fused <c>qkv</c> projection, scaled dot-product attention per
/// head, and the output projection <c>proj</c>.
/// </summary>
public sealed class MultiHeadSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int heads;

    /// <summary>Creates attention over tokens of width <paramref name="dim"/> split into <paramref name="heads"/> heads.</summary>
    public MultiHeadSelfAttention(int dim, int heads) : base(nameof(MultiHeadSelfAttention))
    {
        if (heads < 1 || dim % heads != 0) throw new ArgumentException($"Heads {heads} must divide the width {dim}.", nameof(heads));
        this.heads = heads;
        qkv = nn.Linear(dim, 3 * dim);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    /// <summary>Tokens <c>[B, N, D]</c> to attended tokens of the same shape.</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var (batch, count, dim) = (tokens.shape[0], tokens.shape[1], tokens.shape[2]);
        // [B, N, 3D] -> [3, B, heads, N, D/heads], the layout timm's checkpoints assume.
        var parts = qkv.call(tokens).reshape(batch, count, 3, heads, dim / heads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
        var merged = attended.transpose(1, 2).reshape(batch, count, dim);
        return proj.call(merged).MoveToOuterDisposeScope();
    }
}
