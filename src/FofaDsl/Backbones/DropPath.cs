using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// Stochastic depth (timm's <c>DropPath</c>): in training, drops a residual branch for whole
/// samples with probability <see cref="Rate"/> and scales the kept ones by <c>1 / (1 - rate)</c>
/// so the expected output is unchanged; the identity in evaluation or at rate 0.
/// </summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module that drops a branch with probability <paramref name="rate"/> in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="rate"/> is outside [0, 1).</exception>
    public DropPath(double rate) : base(nameof(DropPath))
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "The drop-path rate must be in [0, 1).");
        Rate = rate;
        RegisterComponents();
    }

    /// <summary>Probability of dropping the branch of one sample.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor branch)
    {
        if (!training || Rate == 0) return branch.alias();
        using var scope = NewDisposeScope();
        var keep = 1.0 - Rate;
        // One keep/drop decision per sample, broadcast over every other dimension.
        var maskShape = new long[branch.dim()];
        Array.Fill(maskShape, 1L);
        maskShape[0] = branch.shape[0];
        var mask = empty(maskShape, dtype: branch.dtype, device: branch.device).bernoulli_(keep).div_(keep);
        return (branch * mask).MoveToOuterDisposeScope();
    }
}
