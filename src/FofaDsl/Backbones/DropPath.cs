using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Backbones;

/// <summary>
/// Stochastic depth per sample (timm's <c>DropPath</c>): in training mode each sample's residual
/// branch is zeroed with probability <see cref="Rate"/> and the kept ones are scaled by
/// <c>1 / (1 - Rate)</c>, so the expectation is unchanged. The identity in eval mode or at rate 0.
/// </summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module with drop probability <paramref name="rate"/> in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="rate"/> is outside [0, 1).</exception>
    public DropPath(double rate) : base(nameof(DropPath))
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "The drop-path rate must lie in [0, 1).");
        Rate = rate;
        RegisterComponents();
    }

    /// <summary>Probability of dropping a sample's branch in training mode.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        // alias() keeps the caller's tensor alive when the result is disposed separately.
        if (!training || Rate == 0) return input.alias();
        using var scope = NewDisposeScope();
        var keep = 1.0 - Rate;
        var maskShape = new long[input.dim()];
        Array.Fill(maskShape, 1L);
        maskShape[0] = input.shape[0];
        // floor(keep + U[0,1)) is 1 with probability keep, else 0.
        var mask = torch.rand(maskShape, dtype: input.dtype, device: input.device).add_(keep).floor_();
        return (input * mask / keep).MoveToOuterDisposeScope();
    }
}
