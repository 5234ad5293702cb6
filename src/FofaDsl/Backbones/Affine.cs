using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// ResMLP's replacement for normalisation (timm's <c>Affine</c>): a per-channel scale
/// <c>alpha</c> and shift <c>beta</c>, <c>alpha * x + beta</c>, with no statistics of the input.
/// Both are stored as <c>[1, 1, D]</c> as in timm's state dicts.
/// </summary>
public sealed class Affine : nn.Module<Tensor, Tensor>
{
    private readonly Parameter alpha;
    private readonly Parameter beta;

    /// <summary>Creates the identity affine map over <paramref name="dim"/> channels (alpha 1, beta 0).</summary>
    public Affine(int dim) : base(nameof(Affine))
    {
        alpha = nn.Parameter(ones(1, 1, dim));
        beta = nn.Parameter(zeros(1, 1, dim));
        RegisterComponents();
    }

    /// <summary>Tokens <c>[B, L, D]</c> to <c>alpha * tokens + beta</c>.</summary>
    public override Tensor forward(Tensor tokens) => addcmul(beta, alpha, tokens, 1);
}
